"""Warm Checkov for a test run (started by __tests__/support/global-setup.ts).

Importing Checkov takes about 2 s of CPU, two thirds of a scan of the four stacks, and a
test run scans several configurations. This process imports it once, then forks a child
per request on a Unix socket; each child runs exactly what the `checkov` command runs
(`Checkov(argv).run()`), with its output redirected to the files the client names, and
answers with the exit code. scripts/security-scan.ts falls back to the `checkov` command
whenever this server is not there.

Request (one JSON line): {"argv": [...], "stdout": "/path", "stderr": "/path"}
Answer: the exit code, as text.
"""
import json
import os
import signal
import socket
import sys
import traceback
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", category=SyntaxWarning)
    from checkov.main import Checkov


def serve(conn: socket.socket) -> None:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    request = json.loads(data)
    out = os.open(request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    err = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(out, 1)
    os.dup2(err, 2)
    sys.argv = ["checkov", *request["argv"]]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=SyntaxWarning)
            code = Checkov(sys.argv[1:]).run()
    except SystemExit as e:
        code = e.code
    except BaseException:  # the client reports it like a crash of the command
        traceback.print_exc()
        code = 2
    code = code if isinstance(code, int) else (0 if code is None else 1)
    sys.stdout.flush()
    sys.stderr.flush()
    conn.sendall(f"{code}\n".encode())


def reap() -> None:
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
    except ChildProcessError:
        pass


def main(path: str) -> None:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path + ".tmp")
    server.listen(16)
    os.rename(path + ".tmp", path)  # clients see the socket only once it accepts
    # Reap each scan when it ends; waiting (not SIG_IGN) also counts its CPU in the run's usage.
    signal.signal(signal.SIGCHLD, lambda *_: reap())
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    parent = os.getppid()
    server.settimeout(2)
    while True:
        try:
            conn, _ = server.accept()
        except socket.timeout:
            # The test run that started it is gone (killed without its teardown): stop too.
            if os.getppid() != parent:
                os._exit(0)
            continue
        conn.settimeout(None)
        if os.fork() == 0:
            server.close()
            try:
                serve(conn)
            finally:
                os._exit(0)
        conn.close()


if __name__ == "__main__":
    main(sys.argv[1])
