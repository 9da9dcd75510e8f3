#!/usr/bin/env bash
# Executes every notebook here headless with dotnet-repl (a local tool: .config/dotnet-tools.json).
#   notebooks/run.sh            run them; executed copies go to artifacts/notebooks/ (a failing cell fails the run)
#   notebooks/run.sh --save     run them and store the outputs in the notebooks themselves (commit those)
#   notebooks/run.sh [--save] data-augmentation.ipynb ...   only the notebooks named
# The checks of each notebook's key outputs are tests/Notebooks.Tests (`dotnet test tests/Notebooks.Tests`).
set -euo pipefail
cd "$(dirname "$0")"
dotnet tool restore >/dev/null
out=../artifacts/notebooks
mkdir -p "$out"
save=""
[[ "${1:-}" == "--save" ]] && { save=1; shift; }
notebooks=("$@")
[[ ${#notebooks[@]} -eq 0 ]] && notebooks=(*.ipynb)
for notebook in "${notebooks[@]}"; do
  target="$out/$notebook"
  [[ -n "$save" ]] && target="$notebook.executed"
  echo "== $notebook"
  dotnet dotnet-repl --run "$notebook" --exit-after-run --output-path "$target" >/dev/null
  if [[ -n "$save" ]]; then
    # Keep what a reader wants to see: drop the package cell's restore progress and the kernel's style sheet.
    python3 - "$target" "$notebook" <<'PY'
import json, sys
nb = json.load(open(sys.argv[1]))
for cell in nb["cells"]:
    if cell["cell_type"] != "code": continue
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    outputs = cell.get("outputs", [])
    if "LocalFeed.ReferenceAsync" in source:
        outputs = [o for o in outputs if o["output_type"] == "stream"]
    outputs = [o for o in outputs if not "".join(o.get("data", {}).get("text/html", [])).lstrip().startswith("<style>")]
    cell["outputs"] = outputs
with open(sys.argv[2], "w") as f:
    json.dump(nb, f, indent=1, ensure_ascii=False)
    f.write("\n")
PY
    rm "$target"
  fi
done
