#!/usr/bin/env python
from koinon.__main__ import main

if __name__ == "__main__":
    main()
