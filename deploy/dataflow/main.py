"""Flex Template entry point (FLEX_TEMPLATE_PYTHON_PY_FILE): template parameters in, ``synthsieve run`` out."""

from synthsieve.flex import main

main()
