import sys

from platform_setup.cli import main

sys.exit(main())
