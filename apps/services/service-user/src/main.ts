import { main } from "../../kit/service";
import { contract, start } from "./app";

main(start, contract.name);
