#!/usr/bin/env bash
# Debian packages the portal needs, installed only when missing (apt-get update only then too).
#   scripts/system-deps.sh          fonts, wkhtmltopdf where apt has it, WeasyPrint's libraries
#   scripts/system-deps.sh --test   also Chromium (browser tests) and poppler-utils (pdftotext)
#   scripts/system-deps.sh --bench  also wrk (the load tool of `make bench`)
set -euo pipefail
cd "$(dirname "$0")/.."

# Without fonts wkhtmltopdf crashes; Pango (and HarfBuzz's subsetter) are what WeasyPrint loads.
want=(fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
if [[ "${1:-}" == "--test" ]]; then want+=(chromium poppler-utils); fi
if [[ "${1:-}" == "--bench" ]]; then want+=(wrk); fi

installed() { dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'; }
candidate() { apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p'; }
lists_empty() { ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; }
is_root() { [[ "$(id -u)" == 0 ]]; }
updated=0
update() { if [[ $updated == 0 ]]; then apt-get update -qq; updated=1; fi; }

missing=()
for pkg in "${want[@]}"; do installed "$pkg" || missing+=("$pkg"); done

# wkhtmltopdf is the default engine where Debian still ships it (12); Debian 13 has none.
if ! installed wkhtmltopdf; then
  if is_root && { (( ${#missing[@]} )) || lists_empty; }; then update; fi
  cand="$(candidate wkhtmltopdf)"
  if [[ -n "$cand" && "$cand" != "(none)" ]]; then
    missing+=(wkhtmltopdf)
  else
    echo "system-deps: apt offers no wkhtmltopdf here; PDFs will be rendered by WeasyPrint."
  fi
fi

if (( ${#missing[@]} )); then
  if ! is_root; then
    echo "system-deps: missing Debian packages: ${missing[*]}" >&2
    echo "Install them as root, then run make again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "system-deps: installing ${missing[*]}"
  update
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends "${missing[@]}"
fi

# Prove the PDF engines load rather than trusting package names.
if [[ -x .venv/bin/python ]]; then
  if ! .venv/bin/python -c 'import weasyprint' 2>/dev/null; then
    if installed wkhtmltopdf; then
      echo "system-deps: warning: WeasyPrint does not import; only wkhtmltopdf will render." >&2
    else
      echo "system-deps: no PDF engine: WeasyPrint does not import and wkhtmltopdf is absent." >&2
      .venv/bin/python -c 'import weasyprint' || true
      exit 1
    fi
  fi
fi
echo "system-deps: ok"
