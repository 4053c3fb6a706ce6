import sys

from platform_config.cli import main

sys.exit(main())
