# file: us_serve.c
# bug: us_serve() stops serving when one client fails
s/    if (answered >= 0)/    if (answered < 0)\n        return;\n    if (answered >= 0)/
