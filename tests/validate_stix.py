"""Validates a STIX 2.1 bundle with the OASIS stix2-validator package;
exits 1 on any error, and also on warnings with --strict-warnings."""
import sys

from stix2validator import ValidationOptions, print_results, validate_file


def main(path, strict_warnings):
    results = validate_file(path, ValidationOptions(version="2.1"))
    print_results(results)
    warnings = [w for r in results.object_results for w in r.warnings]
    if not results.is_valid:
        return 1
    if strict_warnings and warnings:
        print(f"{len(warnings)} warnings")
        return 1
    print("valid")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], "--strict-warnings" in sys.argv[2:]))
