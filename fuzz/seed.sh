#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ for every fuzz target: the articles of
# tests/fixtures (written for the tests, no corpus text) and small samples
# generated here. Idempotent; libFuzzer adds what it finds next to them.
set -euo pipefail
cd "$(dirname "$0")"
targets=(header body html json check build_one)
for t in "${targets[@]}"; do mkdir -p "corpus/$t"; done

# Every fixture article, for the targets that read articles.
i=0
while IFS= read -r -d '' f; do
  i=$((i + 1))
  for t in header body html check build_one; do cp "$f" "corpus/$t/fixture-$i.md"; done
done < <(find ../tests/fixtures -name '*.md' -size -16k -print0 | sort -z)

header='<properties
  pageTitle="Seed"
  description="A generated seed"
  service="microsoft.storage"
  resource="storageAccounts"
  ms.author="seed"
  selfHelpType="problemScopingQuestions"
  supportTopicIds="32677722"
  productPesIds="16432"
  cloudEnvironments="public"
  articleId="8e0f4a6c-1d2b-4c3e-9f5a-6b7c8d9e0f11"
/>

# Seed
'
rep() { local s="" n; for ((n = 0; n < $2; n++)); do s+="$1"; done; printf '%s' "$s"; }
sample() { printf '%s' "$2" > "corpus/$1/gen-$3"; }

# Shapes that once hurt (tests/it/hostile.rs), small.
for t in body check build_one html; do
  sample $t "$header$(rep '>' 150) deep" quotes.md
  sample $t "$header$(rep $'<div>\n' 150)deep" divs.md
  sample $t "$header$(rep '`c` <!--$Db-->x<!--/$Db--> *e* **s** ' 50)" portal.md
  sample $t "$header$(rep '[l](missing.md) ' 60)" links.md
done
sample check "$header---
{\"title\": \"T\", \"formElements\": $(rep '{"a": ' 140)1$(rep '}' 140)}
---
" deep-json.md
sample header "<properties $(rep 'a="1" A="2" ' 100)/>" attrs.md
sample header $'<properties\n  a="unclosed\n  b="x"\n  c=\'y\' d=z\n/>' quotes.md

# JSON: valid, invalid, deep, with escapes and multi-byte text.
sample json '{"title": "T", "formElements": [{"type": "text", "id": "q1", "required": true, "n": -1.5e3}]}' form.json
sample json '[1, 2,]' trailing-comma.json
sample json '{"a": "\u00e9\"\\\/\b\f\n\r\t", "é": null}' escapes.json
sample json "$(rep '[' 130)$(rep ']' 130)" deep.json
sample json '{"a" 1}' missing-colon.json
for f in $(find ../tests/fixtures -name '*.json' | sort); do cp "$f" "corpus/json/fixture-$(basename "$f")"; done

# HTML: comments, quotes, CDATA, unclosed tags.
sample html '<div class="a>b" data-x='"'"'<p>'"'"'><!-- <div> --><p>x<br>y</p></div>' quoted.html
sample html '<![CDATA[<div>]]><?pi <div>?><!DOCTYPE html><table><tr><td>a<td>b</table>' skipped.html
sample html "$(rep '<span>' 130)x" unclosed.html
echo "seeded: $(for t in "${targets[@]}"; do printf '%s=%s ' "$t" "$(ls "corpus/$t" | wc -l)"; done)"
