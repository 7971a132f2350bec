"""Parses a Fluent Bit classic-format configuration with the tree-sitter-fluentbit grammar.

Reads the configuration on stdin and prints JSON: {"ok": bool, "errors": [...], "sections":
[{"name": "OUTPUT", "entries": [["Name", "cloudwatch_logs"], ...]}]}. The tests run it on
the aws-logging ConfigMap the mesh stack writes (requirements-dev.txt pins the grammar).
"""
import json
import sys

import tree_sitter
import tree_sitter_fluentbit


def main() -> int:
    source = sys.stdin.buffer.read()
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_fluentbit.language()))
    tree = parser.parse(source)
    errors = []
    sections = []

    def text(node):
        return source[node.start_byte:node.end_byte].decode("utf-8")

    def walk(node):
        if node.type == "ERROR" or node.is_missing:
            errors.append({"line": node.start_point[0] + 1, "text": text(node)[:80]})
        for child in node.children:
            walk(child)

    walk(tree.root_node)
    for section in tree.root_node.children:
        if section.type != "section":
            continue
        header = section.child_by_field_name("header")
        body = section.child_by_field_name("body")
        name = text(header.child_by_field_name("name")) if header else ""
        entries = []
        if body is not None:
            for entry in body.children:
                if entry.type == "entry":
                    entries.append([text(entry.child_by_field_name("key")), text(entry.child_by_field_name("value"))])
        sections.append({"name": name, "entries": entries})
    print(json.dumps({"ok": not tree.root_node.has_error and not errors, "errors": errors, "sections": sections}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
