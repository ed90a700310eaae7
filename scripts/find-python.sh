#!/usr/bin/env bash
# Print the path of a Python interpreter of the wanted minor version (e.g. 3.10), or fail naming it.
# Looks on PATH first, then in pyenv's versions, so no machine-specific path is written anywhere.
set -euo pipefail
want="${1:?usage: find-python.sh 3.10}"
for cand in "python$want" python3; do
  if p=$(command -v "$cand" 2>/dev/null) && "$p" -c "import sys; sys.exit(0 if '%d.%d' % sys.version_info[:2] == '$want' else 1)" 2>/dev/null; then
    echo "$p"; exit 0
  fi
done
if command -v pyenv >/dev/null 2>&1; then
  for d in "$(pyenv root)"/versions/"$want".*; do
    if [ -x "$d/bin/python$want" ]; then echo "$d/bin/python$want"; exit 0; fi
  done
fi
echo "Python $want not found: install it (e.g. 'pyenv install $want') and retry" >&2
exit 1
