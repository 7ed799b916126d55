"""The command line: parses options, hands them to the library, prints, and maps errors to exit codes."""
