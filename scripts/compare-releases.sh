#!/usr/bin/env bash
# Compares the views of two releases folded from the same log (docs/models.md, "Upgrading from
# the unbounded models"): writes one dataset to a fresh topic, has each release's CLI replay
# every model from it into its own database (`touchpoint replay <model> --as old|new`, one
# process at a time), exports every model's views with each release as of the same instant
# (`touchpoint export <model> --version … --format jsonl --as-of …`) and compares them with
# scripts/compare-exports.mjs; with crosssell, also the store-wide co-purchase rules served by
# each release's query app. Exits 1 when any figure differs, by design or not: read the
# report. Removes its topics, consumer groups and databases at the end (never the engines).
#
#   git worktree add --detach /tmp/rel-old 8db2d8d && git worktree add --detach /tmp/rel-new HEAD
#   # in each: ln -s /work/main/node_modules node_modules && npm run build
#   # (8db2d8d reports TS2308 on DAY_MS, exported by two of its modules with the same value; tsc
#   #  emits anyway: finish with `npx tsc-alias -p tsconfig.build.json`)
#   eval "$(bash deploy/local/infra.sh env)"     # KAFKA_BROKERS, MONGO_URL
#   bash scripts/compare-releases.sh /tmp/rel-old /tmp/rel-new demo     [out-dir]
#   bash scripts/compare-releases.sh /tmp/rel-old /tmp/rel-new workload [out-dir]
#
# demo: the NEW release's ingest app on a free port, `touchpoint demo --now $NOW` and
# `touchpoint demo --resolve --now $NOW` (NOW: the current minute unless set), views as of NOW.
# workload: scripts/seed-bench-workload.mjs with the NEW release's built bench (40 000 events of
# 2 000 customers over three years; WORKLOAD_ARGS passes other sizes), views as of AS_OF
# (default 2026-11-02T00:00:00Z, the day after the workload's last event).
# Environment: RUN (names: topic prefix mig.$RUN, databases mig_$RUN_old/_new/_ingest),
# MODELS (default: customer360 loyalty crosssell contactpreference), KEEP=1 keeps the data.
set -euo pipefail

OLD=$(cd "$1" && pwd)
NEW=$(cd "$2" && pwd)
DATASET=$3
RUN=${RUN:-${DATASET}$(date +%s)}
OUT=${4:-/tmp/compare-releases-$RUN}
MODELS=${MODELS:-customer360 loyalty crosssell contactpreference}
HERE=$(cd "$(dirname "$0")" && pwd)
: "${KAFKA_BROKERS:?eval \"\$(bash deploy/local/infra.sh env)\" first}"
: "${MONGO_URL:?eval \"\$(bash deploy/local/infra.sh env)\" first}"
export KAFKA_BROKERS MONGO_URL LOG_LEVEL=${LOG_LEVEL:-warn}
PREFIX="mig.$RUN"
DB="mig_$RUN"
mkdir -p "$OUT"
echo "run $RUN: topic prefix $PREFIX, databases ${DB}_*, output $OUT"

cleanup() {
  [ "${KEEP:-}" = 1 ] && return
  [ -n "${INGEST_PID:-}" ] && kill "$INGEST_PID" 2>/dev/null || true
  [ -n "${QUERY_PID:-}" ] && kill "$QUERY_PID" 2>/dev/null || true
  NODE_PATH="$NEW/node_modules" node -e '
    const { MongoClient } = require("mongodb");
    const { Kafka, logLevel } = require("kafkajs");
    const [db, prefix] = process.argv.slice(1);
    (async () => {
      const client = new MongoClient(process.env.MONGO_URL);
      await client.connect();
      const { databases } = await client.db("admin").admin().listDatabases({ nameOnly: true });
      for (const d of databases.filter((d) => d.name.startsWith(db + "_"))) await client.db(d.name).dropDatabase();
      await client.close();
      const admin = new Kafka({ brokers: process.env.KAFKA_BROKERS.split(","), logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix + "."));
      if (groups.length) await admin.deleteGroups(groups);
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix + "."));
      if (topics.length) await admin.deleteTopics({ topics });
      await admin.disconnect();
      console.log(`removed ${db}_* databases, ${groups.length} groups, ${topics.length} topics`);
    })().catch((e) => { console.error(e); process.exit(1); });
  ' "$DB" "$PREFIX"
}
trap cleanup EXIT

case $DATASET in
  demo)
    NOW=${NOW:-$(date -u +%Y-%m-%dT%H:%M:00Z)}
    AS_OF=${AS_OF:-$NOW}
    PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
    TOPIC_PREFIX=$PREFIX MONGO_DB=${DB}_ingest PORT=$PORT \
      node "$NEW/dist/apps/ingest/src/main.js" >"$OUT/ingest.log" 2>&1 &
    INGEST_PID=$!
    for _ in $(seq 120); do
      curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break
      sleep 1
    done
    for flags in "" "--resolve"; do
      # shellcheck disable=SC2086
      TOPIC_PREFIX=$PREFIX MONGO_DB=${DB}_ingest node "$NEW/dist/apps/cli/src/main.js" demo \
        --url "http://127.0.0.1:$PORT" --now "$NOW" $flags >"$OUT/demo$flags.log"
    done
    kill "$INGEST_PID"
    wait "$INGEST_PID" || true
    INGEST_PID=
    echo "demo published as of $NOW"
    ;;
  workload)
    AS_OF=${AS_OF:-2026-11-02T00:00:00Z}
    # shellcheck disable=SC2086
    TOPIC_PREFIX=$PREFIX node "$HERE/seed-bench-workload.mjs" --dist "$NEW/dist" ${WORKLOAD_ARGS:-}
    ;;
  *)
    echo "dataset: demo or workload" >&2
    exit 2
    ;;
esac

for rel in old new; do
  dir=$OLD
  [ $rel = new ] && dir=$NEW
  for model in $MODELS; do
    TOPIC_PREFIX=$PREFIX MONGO_DB=${DB}_$rel node "$dir/dist/apps/cli/src/main.js" \
      replay "$model" --as $rel 2>/dev/null
    TOPIC_PREFIX=$PREFIX MONGO_DB=${DB}_$rel node "$dir/dist/apps/cli/src/main.js" \
      export "$model" --version $rel --format jsonl --as-of "$AS_OF" --out "$OUT/$rel-$model.jsonl"
  done
done

# The store-wide co-purchase rules are not in the export: each release's query app serves them
# (GET /v1/crosssell/rules, item and category level, minSupport=0 and minConfidence=0), written
# one rule a line keyed by level, antecedent and consequent for compare-exports.mjs. The new
# release pages through every rule with its cursor; the old one answers at most 1 000 rules per
# request and has no cursor, so it is asked once per antecedent the new release lists (a rule
# only the old release has still shows: its reverse rule, with the same pair, is listed under
# an antecedent the new release knows).
rules() {
  local rel=$1 dir=$2 mode=$3 port pid token
  TOPIC_PREFIX=$PREFIX MONGO_DB=${DB}_$rel node "$dir/dist/apps/cli/src/main.js" promote crosssell $rel >/dev/null
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  TOPIC_PREFIX=$PREFIX MONGO_DB=${DB}_$rel PORT=$port AUTH_JWT_SECRET=compare-releases-local-secret-0123456789 \
    node "$dir/dist/apps/query/src/main.js" >"$OUT/query-$rel.log" 2>&1 &
  pid=$!
  QUERY_PID=$pid
  for _ in $(seq 120); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
    sleep 1
  done
  token=$(AUTH_JWT_SECRET=compare-releases-local-secret-0123456789 node "$dir/dist/apps/cli/src/main.js" tokens create --role analyst)
  node - "http://127.0.0.1:$port" "$token" "$mode" "$OUT/antecedents.json" >"$OUT/$rel-rules.jsonl" <<'JS'
const { readFileSync, writeFileSync } = require('node:fs');
const [base, token, mode, antecedentsFile] = process.argv.slice(2);
const seen = new Set();
const antecedents = { item: new Set(), category: new Set() };
async function page(level, extra) {
  const q = `level=${level}&minSupport=0&minConfidence=0&sort=support&limit=1000${extra}`;
  const res = await fetch(`${base}/v1/crosssell/rules?${q}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`${q}: ${res.status} ${await res.text()}`);
  const body = await res.json();
  for (const r of body.data.rules ?? body.data) {
    const { bothError, ...rule } = r;
    const key = `${level}:${JSON.stringify(r.antecedent)}=>${JSON.stringify(r.consequent)}`;
    antecedents[level].add(r.antecedent);
    if (seen.has(key)) continue;
    seen.add(key);
    console.log(JSON.stringify({ key, ...rule }));
  }
  return body.page?.next ?? body.data.page?.next ?? null;
}
(async () => {
  for (const level of ['item', 'category']) {
    if (mode === 'cursor') {
      let cursor = '';
      do cursor = await page(level, cursor ? `&cursor=${encodeURIComponent(cursor)}` : '');
      while (cursor);
    } else {
      const listed = JSON.parse(readFileSync(antecedentsFile, 'utf8'))[level];
      for (const a of listed) await page(level, `&antecedent=${encodeURIComponent(a)}`);
    }
  }
  if (mode === 'cursor')
    writeFileSync(antecedentsFile, JSON.stringify({ item: [...antecedents.item], category: [...antecedents.category] }));
})().catch((e) => { console.error(e); process.exit(1); });
JS
  kill "$pid"
  wait "$pid" || true
  QUERY_PID=
}
if [[ " $MODELS " == *" crosssell "* ]]; then
  rules new "$NEW" cursor
  rules old "$OLD" antecedent
fi

status=0
if [[ " $MODELS " == *" crosssell "* ]]; then
  echo "== crosssell rules ($DATASET)"
  # Rules only the new listing has are expected where an antecedent has more than the old
  # release's 1 000 rules: each must equal its reverse rule (the same pair) in the old listing.
  node "$HERE/compare-exports.mjs" "$OUT/old-rules.jsonl" "$OUT/new-rules.jsonl" | grep -v '^[0-9]* figure paths differ$' || true
  node - "$OUT/old-rules.jsonl" "$OUT/new-rules.jsonl" <<'JS' || status=1
const { readFileSync } = require('node:fs');
const load = (f) => new Map(readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).map((r) => [r.key, r]));
const [old, neu] = process.argv.slice(2).map(load);
const json = (r) => JSON.stringify(r);
let same = 0, viaReverse = 0;
const bad = [];
for (const r of neu.values()) {
  const o = old.get(r.key);
  if (o) { if (json({ ...o, key: 0 }) === json({ ...r, key: 0 })) same++; else bad.push(r.key); continue; }
  const rev = old.get(`${r.level}:${JSON.stringify(r.consequent)}=>${JSON.stringify(r.antecedent)}`);
  const c = r.counts, d = rev?.counts;
  if (d && d.both === c.both && d.baskets === c.baskets && d.antecedent === c.consequent && d.consequent === c.antecedent && Math.abs(rev.lift - r.lift) <= 1e-9 * Math.max(1, r.lift)) viaReverse++;
  else bad.push(r.key);
}
const onlyOld = [...old.keys()].filter((k) => !neu.has(k));
console.log(`rules: ${neu.size} new, ${old.size} old; ${same} identical, ${viaReverse} only in the new listing and equal to their reverse rule in the old, ${bad.length} differing, ${onlyOld.length} only in the old`);
if (bad.length || onlyOld.length) { console.log('  e.g.', bad[0] ?? onlyOld[0]); process.exit(1); }
JS
fi
for model in $MODELS; do
  echo "== $model ($DATASET, as of $AS_OF)"
  node "$HERE/compare-exports.mjs" "$OUT/old-$model.jsonl" "$OUT/new-$model.jsonl" || status=1
done
exit $status
