# shellcheck shell=bash
# Sourced by start.sh and secure.sh (the stand-in's version of the image's common.sh).
nifi_props_file=${NIFI_HOME}/conf/nifi.properties

# prop_replace KEY VALUE [FILE]: sets KEY=VALUE in FILE (nifi.properties by default). Unlike the real
# one (sed on existing lines only) it appends a missing key, so nifi.properties may start empty; and it
# takes any value (awk reads it from the environment: no sed metacharacter trouble with passwords).
# The file is rewritten in place (cat >), so a subPath mount or a symlink stays what it is.
prop_replace() {
  local target=${3:-$nifi_props_file} tmp
  echo "start.sh: File [${target}] replacing [$1]" >&2
  [ -e "$target" ] || : >"$target"
  tmp=$(mktemp)
  PROP_KEY=$1 PROP_VALUE=$2 awk '
    BEGIN { k = ENVIRON["PROP_KEY"]; v = ENVIRON["PROP_VALUE"]; done = 0 }
    index($0, k "=") == 1 { print k "=" v; done = 1; next }
    { print }
    END { if (!done) print k "=" v }' "$target" >"$tmp"
  cat "$tmp" >"$target"
  rm -f "$tmp"
}
