# Shared helpers for ./wikipulse: building the modules and running a module's main class.
# Sourced, not executed.

log() { printf '[wikipulse] %s\n' "$*" >&2; }
die() { printf '[wikipulse] error: %s\n' "$*" >&2; exit 1; }

data_dir() {
  local d="${WIKIPULSE_DATA_DIR:-$WIKIPULSE_HOME/data}"
  mkdir -p "$d"
  (cd "$d" && pwd)
}

need_java() {
  command -v java >/dev/null 2>&1 || die "java not found: install a Java 17 JDK (e.g. apt-get install -y openjdk-17-jdk)"
  command -v mvn >/dev/null 2>&1 || die "mvn not found: install Maven 3.8+ (e.g. apt-get install -y maven)"
}

# Build every module (skipping tests) when a source or pom changed since the last build.
# WIKIPULSE_SKIP_BUILD=1 uses what is already built (each module's target/classpath.txt must exist).
ensure_built() {
  need_java
  [ "${WIKIPULSE_SKIP_BUILD:-}" = 1 ] && return 0
  local stamp="$WIKIPULSE_HOME/target/.build-stamp"
  if [ -f "$stamp" ] && [ -z "$(find "$WIKIPULSE_HOME" -path "$WIKIPULSE_HOME/data" -prune -o \
      \( -name pom.xml -o -path '*/src/main/*' \) -newer "$stamp" -print -quit)" ]; then
    return 0
  fi
  build_all
}

build_all() {
  need_java
  log "building (mvn package -DskipTests; the first build downloads dependencies and takes a few minutes)..."
  (cd "$WIKIPULSE_HOME" && mvn -B -q -DskipTests package) || die "build failed: run 'mvn -DskipTests package' to see why"
  mkdir -p "$WIKIPULSE_HOME/target"
  touch "$WIKIPULSE_HOME/target/.build-stamp"
}

# The runtime classpath of a module: its classes plus the dependency list written at package time,
# plus its provided dependencies when it lists them (runners/spark: Spark, which a cluster provides).
module_classpath() {
  local module="$WIKIPULSE_HOME/$1"
  [ -f "$module/target/classpath.txt" ] || die "module $1 is not built: run ./wikipulse build"
  printf '%s:%s' "$module/target/classes" "$(cat "$module/target/classpath.txt")"
  if [ -f "$module/target/classpath-provided.txt" ]; then
    printf ':%s' "$(cat "$module/target/classpath-provided.txt")"
  fi
}

# run_java MODULE MAIN_CLASS ARGS... — replaces this shell with the module's main class.
run_java() {
  local module="$1" main="$2"
  shift 2
  exec java ${WIKIPULSE_JAVA_OPTS:-} -cp "$(module_classpath "$module")" "$main" "$@"
}

# call_java MODULE MAIN_CLASS ARGS... — like run_java, but returns its exit code to the caller.
call_java() {
  local module="$1" main="$2"
  shift 2
  java ${WIKIPULSE_JAVA_OPTS:-} -cp "$(module_classpath "$module")" "$main" "$@"
}
