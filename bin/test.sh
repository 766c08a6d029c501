# ./wikipulse test [MAVEN ARGS...] — every test, against real services started for the test (what CI
# runs). The services get their own ports and data dir, so they never touch a developer's running
# set-up; PostgreSQL is the machine's (tests create their own databases). Extra arguments go to
# 'mvn verify' (e.g. -Dtest=SettingsTest -Dsurefire.failIfNoSpecifiedTests=false).
# Sourced by ./wikipulse, not executed.

test_cmd() {
  case "${1:-}" in
    -h|--help)
      cat <<USAGE
Usage: ./wikipulse test [MAVEN ARGS...]

Builds the service modules, starts Kafka and S3 for the tests (data dir target/test-services, Kafka 127.0.0.1:19092,
S3 http://127.0.0.1:19000; override with WIKIPULSE_TEST_DATA_DIR, WIKIPULSE_TEST_KAFKA_BOOTSTRAP,
WIKIPULSE_TEST_S3_ENDPOINT), runs 'mvn -B verify [MAVEN ARGS...]' with those settings exported,
then stops the services. Exit code: Maven's. WIKIPULSE_SKIP_BUILD=1 skips the service modules' build.
USAGE
      return 0 ;;
  esac
  need_java
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    die "the dashboard's browser test needs Chromium and its ChromeDriver: apt-get install -y chromium chromium-driver (Debian/Ubuntu)"
  fi

  export WIKIPULSE_DATA_DIR="${WIKIPULSE_TEST_DATA_DIR:-$WIKIPULSE_HOME/target/test-services}"
  export WIKIPULSE_KAFKA_BOOTSTRAP="${WIKIPULSE_TEST_KAFKA_BOOTSTRAP:-127.0.0.1:19092}"
  export WIKIPULSE_S3_ENDPOINT="${WIKIPULSE_TEST_S3_ENDPOINT:-http://127.0.0.1:19000}"
  export WIKIPULSE_TOPIC="${WIKIPULSE_TOPIC:-wiki-raw-events}"
  export WIKIPULSE_LAKE="${WIKIPULSE_TEST_LAKE:-s3://wikipulse-lake}"
  export WIKIPULSE_S3_ACCESS_KEY="${WIKIPULSE_S3_ACCESS_KEY:-wikipulse}"
  export WIKIPULSE_S3_SECRET_KEY="${WIKIPULSE_S3_SECRET_KEY:-wikipulse-local-only}"
  export WIKIPULSE_S3_REGION="${WIKIPULSE_S3_REGION:-us-east-1}"
  export WIKIPULSE_JDBC_URL="${WIKIPULSE_JDBC_URL:-jdbc:postgresql://127.0.0.1:5432/wikipulse}"

  # Start from empty services: stop whatever a killed earlier run left, then drop its data.
  services_cmd down
  case "$WIKIPULSE_DATA_DIR" in
    "$WIKIPULSE_HOME"/target/*) rm -rf "$WIKIPULSE_DATA_DIR" ;;
    *) log "keeping $WIKIPULSE_DATA_DIR (only a data dir under target/ is wiped before tests)" ;;
  esac

  # 'services down' always runs at the end, whatever happens (a failure, Ctrl-C).
  trap '_test_services_down' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  # The services need only their own two modules built; 'mvn verify' then builds everything else.
  if [ "${WIKIPULSE_SKIP_BUILD:-}" != 1 ]; then
    log "test: building the service modules"
    (cd "$WIKIPULSE_HOME" && mvn -B -q -DskipTests package -pl services/kafka-broker,services/s3-server -am) \
      || die "building services/kafka-broker and services/s3-server failed"
  fi
  WIKIPULSE_SKIP_BUILD=1 services_cmd up

  log "test: mvn -B verify $* (Kafka $WIKIPULSE_KAFKA_BOOTSTRAP, S3 $WIKIPULSE_S3_ENDPOINT, data $WIKIPULSE_DATA_DIR)"
  local rc=0
  (cd "$WIKIPULSE_HOME" && mvn -B verify "$@") || rc=$?
  if [ "$rc" -eq 0 ]; then log "test: all tests passed"; else log "test: mvn verify failed (exit code $rc)"; fi
  exit "$rc"
}

_test_services_down() {
  local rc=$?
  trap - EXIT
  services_cmd down || log "warning: 'services down' failed; see $WIKIPULSE_DATA_DIR/logs"
  exit "$rc"
}
