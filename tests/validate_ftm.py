"""Validates FollowTheMoney JSON lines with the followthemoney package:
every schema and property must exist and every value must survive cleaning."""
import json
import sys

from followthemoney import model

def main(path):
    problems = []
    count = 0
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            data = json.loads(line)
            count += 1
            schema = model.get(data.get("schema"))
            if schema is None:
                problems.append(f"line {n}: unknown schema {data.get('schema')!r}")
                continue
            for name, values in data.get("properties", {}).items():
                prop = schema.get(name)
                if prop is None:
                    problems.append(f"line {n}: {schema.name} has no property {name!r}")
                    continue
                for value in values:
                    if prop.type.clean(value) is None:
                        problems.append(f"line {n}: {name}={value!r} is not a valid {prop.type.name}")
            proxy = model.get_proxy(data, cleaned=False)
            if proxy.id != data["id"]:
                problems.append(f"line {n}: id changed")
    for p in problems:
        print(p)
    print(f"{count} entities, {len(problems)} problems")
    return 1 if problems or count == 0 else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
