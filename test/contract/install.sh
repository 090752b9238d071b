#!/usr/bin/env bash
# Installs what the contract run needs, once per version pair, where the machine keeps caches:
# a Python virtual environment with pyspark and delta-spark (PyPI), and the Delta Lake jars
# (Maven Central, through Maven and its configured registry, into the local Maven repository).
# Safe to run again: a complete install is checked and kept. Writes env.json for the run.
set -euo pipefail

SPARK_VERSION="${POSTFLIGHT_SPARK_VERSION:-4.0.1}"
DELTA_VERSION="${POSTFLIGHT_DELTA_VERSION:-4.0.1}"
SCALA_BINARY=2.13
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/postflight-contract"
VENV="$CACHE/venv-spark$SPARK_VERSION-delta$DELTA_VERSION"
# Maven's local repository, unless settings.xml moves it (then set POSTFLIGHT_MAVEN_REPO).
M2="${POSTFLIGHT_MAVEN_REPO:-$HOME/.m2/repository}"
DELTA_JAR="$M2/io/delta/delta-spark_$SCALA_BINARY/$DELTA_VERSION/delta-spark_$SCALA_BINARY-$DELTA_VERSION.jar"
STORAGE_JAR="$M2/io/delta/delta-storage/$DELTA_VERSION/delta-storage-$DELTA_VERSION.jar"

started=$(date +%s)
mkdir -p "$CACHE"

# Spark 4 runs on Java 17 or 21; the simulated clock is compiled with the JDK's javac.
if ! command -v javac >/dev/null 2>&1; then
  echo "contract install: no javac; installing a Java 17 JDK" >&2
  apt-get update -qq && apt-get install -y -qq openjdk-17-jdk-headless >/dev/null
fi

if ! "$VENV/bin/python" -c "import pyspark, delta; assert pyspark.__version__ == '$SPARK_VERSION'" 2>/dev/null; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "pyspark==$SPARK_VERSION" "delta-spark==$DELTA_VERSION"
fi

if [ ! -s "$DELTA_JAR" ] || [ ! -s "$STORAGE_JAR" ]; then
  mvn -q -B dependency:get -Dtransitive=false -Dartifact="io.delta:delta-spark_$SCALA_BINARY:$DELTA_VERSION"
  mvn -q -B dependency:get -Dtransitive=false -Dartifact="io.delta:delta-storage:$DELTA_VERSION"
fi

# The simulated clock (spark/clock/): built against this Spark's own jars, again when its source changes.
CLOCK_SRC="$(dirname "$0")/spark/clock/SimulatedClock.java"
CLOCK_JAR="$CACHE/simulated-clock-spark$SPARK_VERSION-$(sha256sum "$CLOCK_SRC" | cut -c1-12).jar"
if [ ! -s "$CLOCK_JAR" ]; then
  SPARK_JARS="$("$VENV/bin/python" -c 'import os, pyspark; print(os.path.join(os.path.dirname(pyspark.__file__), "jars"))')"
  BUILD="$(mktemp -d)"
  javac -nowarn -d "$BUILD" -cp "$SPARK_JARS/*" "$CLOCK_SRC"
  jar cf "$CLOCK_JAR.tmp" -C "$BUILD" . && mv "$CLOCK_JAR.tmp" "$CLOCK_JAR"
  rm -rf "$BUILD"
fi

cat > "$CACHE/env.json" <<EOF
{
  "python": "$VENV/bin/python",
  "jars": ["$DELTA_JAR", "$STORAGE_JAR", "$CLOCK_JAR"],
  "spark_version": "$SPARK_VERSION",
  "delta_version": "$DELTA_VERSION"
}
EOF
echo "contract install: pyspark $SPARK_VERSION, delta $DELTA_VERSION ready in $(( $(date +%s) - started )) s ($CACHE)" >&2
