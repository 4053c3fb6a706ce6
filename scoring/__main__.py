import sys

from scoring.job import main

sys.exit(main())
