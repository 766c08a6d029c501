#!/usr/bin/env python3
"""Checks docker-compose.yml and docker/Dockerfile against the source tree, without Docker.

There is no Docker engine on our CI machines, so nothing here builds or starts a container. It checks
what can be checked from the files, so that a broken reference fails CI instead of a user's
`docker compose up`:

- the YAML parses, its top-level and service keys are known compose keys;
- every service has an image or a build; build contexts and Dockerfiles exist, build targets are
  stages of the Dockerfile; every image (compose and Dockerfile FROM, ARG defaults resolved) has a
  pinned tag: no `latest`, no untagged image; the Flink and Spark base images match the versions the
  runner modules are built for (beam-runners-flink-X.Y, spark.version and Scala 2.12, Java 17);
- every depends_on target exists, with a valid condition: service_healthy only on a service with a
  health check, service_completed_successfully only on a one-shot service (label
  org.wikipulse.role=one-shot, restart "no" or on-failure); no dependency cycle;
- every long-running service (not one-shot) has a health check (compose or Dockerfile HEALTHCHECK);
- every named volume used is declared and every declared one used; bind sources exist;
- every ${VAR} has a default or is a required variable (${VAR:?...}) named in README's Deployment
  section; one default per variable; secrets (PASSWORD/SECRET/TOKEN) never have a default or a
  literal value; every variable is mentioned in README;
- published host ports do not collide;
- every main class named (org.wikipulse....Name) exists under */src/main/java with a main method and
  is one the launcher (./wikipulse, bin/*.sh) runs too; every jar under <module>/target/ named in
  the Dockerfile or README matches the module's pom (artifactId, version, shaded classifier); other
  target/ files are ones the module's pom writes;
- Dockerfile COPY sources exist and are not excluded by .dockerignore; every /opt/wikipulse/bin/X a
  service runs is docker/bin/X, executable, and copied into that service's image.

Usage: bin/check-compose.py [--root DIR] [--self-test]
  --self-test  also runs the checks on broken copies of the files and fails unless each is caught.
Exit code: 0 all checks pass, 1 a check failed, 2 usage or environment (no PyYAML).
"""

import argparse
import fnmatch
import glob
import os
import re
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ET

try:
    import yaml
except ImportError:  # pragma: no cover
    print("check-compose: PyYAML is missing: apt-get install -y python3-yaml", file=sys.stderr)
    sys.exit(2)

COMPOSE_FILE = "docker-compose.yml"
README = "README.md"
ONE_SHOT_LABEL = ("org.wikipulse.role", "one-shot")
CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}
TOP_LEVEL_KEYS = {"name", "version", "services", "volumes", "networks", "configs", "secrets", "include"}
SERVICE_KEYS = {
    "annotations", "attach", "build", "blkio_config", "cap_add", "cap_drop", "cgroup", "cgroup_parent",
    "command", "configs", "container_name", "cpu_count", "cpu_percent", "cpu_period", "cpu_quota",
    "cpu_rt_period", "cpu_rt_runtime", "cpu_shares", "cpus", "cpuset", "depends_on", "deploy",
    "develop", "device_cgroup_rules", "devices", "dns", "dns_opt", "dns_search", "domainname",
    "entrypoint", "env_file", "environment", "expose", "extends", "external_links", "extra_hosts",
    "group_add", "healthcheck", "hostname", "image", "init", "ipc", "isolation", "labels", "links",
    "logging", "mac_address", "mem_limit", "mem_reservation", "mem_swappiness", "memswap_limit",
    "network_mode", "networks", "oom_kill_disable", "oom_score_adj", "pid", "pids_limit", "platform",
    "ports", "privileged", "profiles", "pull_policy", "read_only", "restart", "runtime", "scale",
    "secrets", "security_opt", "shm_size", "stdin_open", "stop_grace_period", "stop_signal",
    "storage_opt", "sysctls", "tmpfs", "tty", "ulimits", "user", "userns_mode", "uts", "volumes",
    "volumes_from", "working_dir",
}
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN", re.I)
MAIN_CLASS = re.compile(r"\borg\.wikipulse(?:\.[a-z_][a-z0-9_]*)+\.[A-Z][A-Za-z0-9_]*")
TARGET_FILE = re.compile(r"(?:/src/)?((?:[A-Za-z0-9_.-]+/)*?[A-Za-z0-9_.-]+)/target/([A-Za-z0-9_*-](?:[A-Za-z0-9_.*-]*[A-Za-z0-9_*-])?)")
OPT_BIN = re.compile(r"/opt/wikipulse/bin/([A-Za-z0-9_.-]+)")


# ---------------------------------------------------------------------------------------------
# Variables: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message}, ${VAR?message}, $VAR, $$ escape

def interpolate(text, uses):
    """Resolves compose variables in text using their defaults; records (name, op, arg) in uses."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c != "$":
            out.append(c)
            i += 1
            continue
        if text.startswith("$$", i):
            out.append("$")
            i += 2
            continue
        if text.startswith("${", i):
            depth, j = 1, i + 2
            while j < len(text) and depth:
                if text.startswith("${", j):
                    depth += 1
                    j += 2
                    continue
                if text[j] == "}":
                    depth -= 1
                j += 1
            if depth:
                raise ValueError("unclosed ${ in %r" % text)
            body = text[i + 2:j - 1]
            m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])(.*))?$", body, re.S)
            if not m:
                raise ValueError("bad variable ${%s}" % body)
            name, op, arg = m.group(1), m.group(2), m.group(3)
            uses.append((name, op, arg))
            if op in (":-", "-"):
                out.append(interpolate(arg, uses))
            elif op in (":?", "?"):
                out.append("REQUIRED-" + name)
            elif op in (":+", "+"):
                out.append("")
            else:
                out.append("")
            i = j
            continue
        m = re.match(r"\$([A-Za-z_][A-Za-z0-9_]*)", text[i:])
        if m:
            uses.append((m.group(1), None, None))
            i += len(m.group(0))
            continue
        out.append("$")
        i += 1
    return "".join(out)


def resolve_tree(node, uses):
    if isinstance(node, dict):
        return {k: resolve_tree(v, uses) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve_tree(v, uses) for v in node]
    if isinstance(node, str):
        return interpolate(node, uses)
    return node


def strings_in(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from strings_in(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings_in(v)
    elif isinstance(node, str):
        yield node


# ---------------------------------------------------------------------------------------------
# Dockerfile

class Stage:
    def __init__(self, name, base, index):
        self.name, self.base, self.index = name, base, index
        self.copies = []  # (from_stage or None, [sources], dest)
        self.healthcheck = None
        self.workdir = "/"
        self.instructions = []


def parse_dockerfile(path):
    """Returns (args, stages, instructions) of a Dockerfile: ARG defaults before FROM, stages in order."""
    text = open(path, encoding="utf-8").read()
    lines, buf = [], ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if not buf and (not stripped or stripped.startswith("#")):
            continue
        if buf and stripped.startswith("#"):
            continue
        if raw.rstrip().endswith("\\"):
            buf += raw.rstrip()[:-1] + " "
            continue
        lines.append(buf + raw)
        buf = ""
    if buf:
        lines.append(buf)
    args, stages = {}, []
    for line in lines:
        parts = line.strip().split(None, 1)
        instr, rest = parts[0].upper(), (parts[1] if len(parts) > 1 else "")
        if instr == "ARG" and not stages:
            name, _, default = rest.partition("=")
            args[name.strip()] = default.strip().strip('"')
            continue
        if instr == "FROM":
            m = re.match(r"(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?\s*$", rest, re.I)
            if not m:
                raise ValueError("cannot read FROM %r" % rest)
            stages.append(Stage(m.group(2), m.group(1), len(stages)))
            continue
        if not stages:
            raise ValueError("%s before the first FROM" % instr)
        st = stages[-1]
        st.instructions.append((instr, rest))
        if instr in ("COPY", "ADD"):
            src_from = None
            words = rest.split()
            while words and words[0].startswith("--"):
                if words[0].startswith("--from="):
                    src_from = words[0][len("--from="):]
                words = words[1:]
            if words and words[0].startswith("["):
                import json
                words = json.loads(" ".join(words))
            if len(words) >= 2:
                st.copies.append((src_from, words[:-1], words[-1]))
        elif instr == "WORKDIR":
            st.workdir = rest.strip()
        elif instr == "HEALTHCHECK":
            st.healthcheck = rest.strip()
    return args, stages


def resolve_args(text, args):
    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)",
                  lambda m: args.get(m.group(1) or m.group(2), m.group(0)), text)


def stage_chain(stages, name):
    """The stage called name and the stages it is built FROM, nearest first."""
    by_name = {s.name: s for s in stages if s.name}
    chain, seen = [], set()
    st = by_name.get(name)
    while st is not None and st.name not in seen:
        chain.append(st)
        seen.add(st.name)
        st = by_name.get(st.base)
    return chain


# ---------------------------------------------------------------------------------------------
# Maven

POM_NS = {"m": "http://maven.apache.org/POM/4.0.0"}


def pom_info(module_dir):
    """(artifactId, version, [classifiers], pom text) of the module's pom.xml, or None."""
    path = os.path.join(module_dir, "pom.xml")
    if not os.path.isfile(path):
        return None
    text = open(path, encoding="utf-8").read()
    root = ET.fromstring(text)
    artifact = root.findtext("m:artifactId", namespaces=POM_NS)
    version = root.findtext("m:version", namespaces=POM_NS) or root.findtext("m:parent/m:version", namespaces=POM_NS)
    final_name = root.findtext("m:build/m:finalName", namespaces=POM_NS)
    classifiers = []
    for cfg in root.iter("{%s}configuration" % POM_NS["m"]):
        attached = cfg.findtext("m:shadedArtifactAttached", namespaces=POM_NS)
        cls = cfg.findtext("m:shadedClassifierName", namespaces=POM_NS)
        if attached and attached.strip() == "true":
            classifiers.append((cls or "shaded").strip())
    return artifact, version, final_name, classifiers, text


def expected_jars(module_dir):
    info = pom_info(module_dir)
    if info is None:
        return None
    artifact, version, final_name, classifiers, _ = info
    base = final_name or "%s-%s" % (artifact, version)
    return {base + ".jar"} | {"%s-%s.jar" % (base, c) for c in classifiers}


# ---------------------------------------------------------------------------------------------
# The checks

class Checker:
    def __init__(self, root):
        self.root = os.path.abspath(root)
        self.errors = []
        self.checked = {"services": 0, "images": 0, "variables": 0, "main classes": 0, "target files": 0, "scripts": 0}

    def err(self, msg):
        if msg not in self.errors:
            self.errors.append(msg)

    def path(self, *p):
        return os.path.join(self.root, *p)

    def run(self):
        try:
            raw = yaml.safe_load(open(self.path(COMPOSE_FILE), encoding="utf-8"))
        except (OSError, yaml.YAMLError) as e:
            self.err("%s does not parse: %s" % (COMPOSE_FILE, e))
            return self.errors
        if not isinstance(raw, dict) or not isinstance(raw.get("services"), dict) or not raw["services"]:
            self.err("%s has no services" % COMPOSE_FILE)
            return self.errors
        uses = []
        try:
            doc = resolve_tree(raw, uses)
        except ValueError as e:
            self.err("%s: %s" % (COMPOSE_FILE, e))
            return self.errors
        self.readme = open(self.path(README), encoding="utf-8").read() if os.path.isfile(self.path(README)) else ""
        m = re.search(r"^## Deployment\s*$(.*?)(?=^## |\Z)", self.readme, re.M | re.S)
        self.deployment = m.group(1) if m else ""
        if not m:
            self.err("README.md has no '## Deployment' section")
        self.launcher = self.launcher_text()

        for key in raw:
            if key not in TOP_LEVEL_KEYS and not str(key).startswith("x-"):
                self.err("unknown top-level key '%s'" % key)
        self.check_variables(raw, uses)
        services = doc["services"]
        self.dockerfiles = {}
        self.checked["services"] = len(services)
        self.checked["variables"] = len({u[0] for u in uses})
        for name, svc in services.items():
            if not isinstance(svc, dict):
                self.err("service %s is not a mapping" % name)
                continue
            for key in svc:
                if key not in SERVICE_KEYS and not str(key).startswith("x-"):
                    self.err("service %s: unknown key '%s'" % (name, key))
            self.check_image_and_build(name, svc)
        self.check_depends_on(services)
        self.check_healthchecks(services)
        self.check_volumes(doc, services)
        self.check_ports(services)
        self.check_bin_scripts(services)
        self.check_main_classes(raw)
        self.check_target_files()
        return self.errors

    def launcher_text(self):
        text = ""
        for p in [self.path("wikipulse")] + sorted(glob.glob(self.path("bin", "*.sh"))):
            if os.path.isfile(p):
                text += open(p, encoding="utf-8").read()
        return text

    # -- variables ------------------------------------------------------------------------------
    def check_variables(self, raw, uses):
        defaults = {}
        for name, op, arg in uses:
            if op in (":-", "-"):
                if SECRET_NAME.search(name):
                    self.err("variable %s looks secret but has a default (use ${%s:?message})" % (name, name))
                if name in defaults and defaults[name] != arg:
                    self.err("variable %s has two defaults: %r and %r" % (name, defaults[name], arg))
                defaults[name] = arg
            else:
                # required (:? / ?), or used without a default: the README must say to set it
                if not re.search(r"^.*\b%s\b.*required.*$|^.*required.*\b%s\b.*$" % (name, name),
                                 self.deployment, re.M | re.I):
                    self.err("variable %s has no default and README's Deployment section does not "
                             "list it as required" % name)
            if not re.search(r"\b%s\b" % re.escape(name), self.readme):
                self.err("variable %s is not mentioned in README.md" % name)
        # No literal secrets: an environment entry named like a secret must come from a variable.
        for sname, svc in (raw.get("services") or {}).items():
            env = (svc or {}).get("environment") or {}
            items = env.items() if isinstance(env, dict) else (
                (e.split("=", 1) + [None])[:2] for e in env)
            for key, value in items:
                if SECRET_NAME.search(str(key)) and value not in (None, "") and "${" not in str(value):
                    self.err("service %s: %s has a literal value (secrets come from variables)" % (sname, key))

    # -- images and builds ------------------------------------------------------------------------
    def check_image_tag(self, where, image):
        self.checked["images"] += 1
        if "${" in image or "REQUIRED-" in image:
            self.err("%s: image %r depends on a variable without a default" % (where, image))
            return
        ref = image.split("@", 1)[0]
        last = ref.rsplit("/", 1)[-1]
        if "@" in image:
            return
        if ":" not in last:
            self.err("%s: image %s has no tag (pin one)" % (where, image))
        elif last.rsplit(":", 1)[1] in ("latest", ""):
            self.err("%s: image %s uses tag 'latest' (pin a version)" % (where, image))

    def dockerfile(self, context, dockerfile):
        path = os.path.normpath(os.path.join(context, dockerfile))
        if path not in self.dockerfiles:
            try:
                self.dockerfiles[path] = parse_dockerfile(path)
                self.check_dockerfile(path, context)
            except (OSError, ValueError) as e:
                self.err("%s: %s" % (os.path.relpath(path, self.root), e))
                self.dockerfiles[path] = None
        return self.dockerfiles[path]

    def check_image_and_build(self, name, svc):
        image, build = svc.get("image"), svc.get("build")
        if not image and not build:
            self.err("service %s has neither image nor build" % name)
        if image:
            self.check_image_tag("service %s" % name, image)
        if build:
            if isinstance(build, str):
                build = {"context": build}
            context = os.path.normpath(self.path(build.get("context", ".")))
            if not os.path.isdir(context):
                self.err("service %s: build context %s does not exist" % (name, build.get("context")))
                return
            dockerfile = build.get("dockerfile", "Dockerfile")
            if not os.path.isfile(os.path.join(context, dockerfile)):
                self.err("service %s: Dockerfile %s does not exist" % (name, dockerfile))
                return
            parsed = self.dockerfile(context, dockerfile)
            target = build.get("target")
            svc["_stages"] = []
            if parsed and target:
                args, stages = parsed
                if target not in {s.name for s in stages}:
                    self.err("service %s: build target '%s' is not a stage of %s" % (name, target, dockerfile))
                else:
                    svc["_stages"] = stage_chain(stages, target)
            elif parsed:
                svc["_stages"] = stage_chain(parsed[1], parsed[1][-1].name) or [parsed[1][-1]]

    def check_dockerfile(self, path, context):
        rel = os.path.relpath(path, self.root)
        args, stages = self.dockerfiles[path]
        names = set()
        ignore = self.dockerignore(context)
        for st in stages:
            base = resolve_args(st.base, args)
            if base in names:
                pass
            elif "$" in base:
                self.err("%s: FROM %s: unresolved ARG" % (rel, st.base))
            else:
                self.check_image_tag("%s FROM" % rel, base)
                self.check_base_versions(rel, base)
            if st.name:
                if st.name in names:
                    self.err("%s: two stages named %s" % (rel, st.name))
                names.add(st.name)
            for src_from, sources, _dest in st.copies:
                if src_from:
                    if src_from not in names:
                        self.err("%s: COPY --from=%s: no earlier stage of that name" % (rel, src_from))
                    continue
                for src in sources:
                    if src.startswith("http://") or src.startswith("https://"):
                        continue
                    src_rel = os.path.normpath(src.lstrip("/"))
                    if src_rel == ".":
                        continue
                    if not glob.glob(os.path.join(context, src_rel)):
                        self.err("%s: COPY source %s does not exist" % (rel, src))
                    elif any(fnmatch.fnmatch(src_rel, pat) or src_rel.startswith(pat.rstrip("/") + "/")
                             or src_rel == pat.rstrip("/") for pat in ignore):
                        self.err("%s: COPY source %s is excluded by .dockerignore" % (rel, src))
        self.dockerfile_text = getattr(self, "dockerfile_text", "") + open(path, encoding="utf-8").read()

    def dockerignore(self, context):
        p = os.path.join(context, ".dockerignore")
        if not os.path.isfile(p):
            self.err(".dockerignore is missing in the build context %s" % os.path.relpath(context, self.root))
            return []
        pats = []
        for line in open(p, encoding="utf-8"):
            line = line.strip()
            if line and not line.startswith("#") and not line.startswith("!"):
                pats.append(line.lstrip("/").replace("**/", ""))
        return pats

    def check_base_versions(self, where, image):
        """Flink and Spark base images must run what the runner modules are built against."""
        repo, _, tag = image.rpartition(":")
        if repo.endswith("flink"):
            pom = pom_info(self.path("runners", "flink"))
            m = re.search(r"beam-runners-flink-(\d+\.\d+)", pom[4]) if pom else None
            if not m:
                self.err("%s: runners/flink/pom.xml names no beam-runners-flink-X.Y" % where)
            elif not tag.startswith(m.group(1) + "."):
                self.err("%s: %s is not Flink %s.x (runners/flink uses beam-runners-flink-%s)"
                         % (where, image, m.group(1), m.group(1)))
            if "java17" not in tag:
                self.err("%s: %s is not a Java 17 image" % (where, image))
        if repo.endswith("spark"):
            pom = pom_info(self.path("runners", "spark"))
            m = re.search(r"<spark.version>(\d+\.\d+)\.\d+</spark.version>", pom[4]) if pom else None
            scala = re.search(r"spark-core_(\d+\.\d+)", pom[4]) if pom else None
            if not m or not scala:
                self.err("%s: runners/spark/pom.xml has no spark.version / spark-core_<scala>" % where)
            else:
                if not tag.startswith(m.group(1) + "."):
                    self.err("%s: %s is not Spark %s.x (runners/spark/pom.xml)" % (where, image, m.group(1)))
                if "scala" + scala.group(1) not in tag:
                    self.err("%s: %s is not built for Scala %s" % (where, image, scala.group(1)))
            if "java17" not in tag:
                self.err("%s: %s is not a Java 17 image" % (where, image))

    # -- dependencies and health ------------------------------------------------------------------
    @staticmethod
    def one_shot(svc):
        labels = svc.get("labels") or {}
        if isinstance(labels, list):
            labels = dict((l.split("=", 1) + [""])[:2] for l in labels)
        return labels.get(ONE_SHOT_LABEL[0]) == ONE_SHOT_LABEL[1]

    @staticmethod
    def has_healthcheck(svc):
        hc = svc.get("healthcheck")
        if hc is not None:
            if hc.get("disable"):
                return False
            test = hc.get("test")
            if test:
                return not (test == ["NONE"] or test == "NONE")
        for st in svc.get("_stages") or []:
            if st.healthcheck:
                return not st.healthcheck.upper().startswith("NONE")
        return False

    def check_depends_on(self, services):
        graph = {}
        for name, svc in services.items():
            deps = svc.get("depends_on") or {}
            if isinstance(deps, list):
                deps = {d: {"condition": "service_started"} for d in deps}
            graph[name] = list(deps)
            for target, spec in deps.items():
                cond = (spec or {}).get("condition", "service_started")
                if target not in services:
                    self.err("service %s depends on unknown service %s" % (name, target))
                    continue
                if cond not in CONDITIONS:
                    self.err("service %s: depends_on %s has invalid condition '%s'" % (name, target, cond))
                elif cond == "service_healthy" and not self.has_healthcheck(services[target]):
                    self.err("service %s waits for %s to be healthy, but %s has no health check" % (name, target, target))
                elif cond == "service_completed_successfully" and not self.one_shot(services[target]):
                    self.err("service %s waits for %s to complete, but %s is not labelled %s=%s"
                             % (name, target, target, *ONE_SHOT_LABEL))
        state = {}

        def visit(n, path):
            if state.get(n) == 1:
                self.err("depends_on cycle: %s" % " -> ".join(path + [n]))
                return
            if state.get(n) == 2 or n not in graph:
                return
            state[n] = 1
            for d in graph[n]:
                visit(d, path + [n])
            state[n] = 2

        for n in graph:
            visit(n, [])

    def check_healthchecks(self, services):
        for name, svc in services.items():
            if self.one_shot(svc):
                restart = str(svc.get("restart", "no"))
                if restart not in ("no", "on-failure") and not restart.startswith("on-failure:"):
                    self.err("one-shot service %s has restart '%s' (use \"no\" or on-failure)" % (name, restart))
            elif not self.has_healthcheck(svc):
                self.err("long-running service %s has no health check" % name)

    # -- volumes and ports ------------------------------------------------------------------------
    def check_volumes(self, doc, services):
        declared = set((doc.get("volumes") or {}).keys())
        used = set()
        for name, svc in services.items():
            for v in svc.get("volumes") or []:
                if isinstance(v, dict):
                    kind, src = v.get("type", "volume"), v.get("source")
                else:
                    src = v.split(":", 1)[0] if ":" in v else None
                    kind = "bind" if src and src[0] in "./~" else "volume"
                if kind == "volume" and src:
                    used.add(src)
                    if src not in declared:
                        self.err("service %s uses volume '%s', which is not declared under volumes:" % (name, src))
                elif kind == "bind" and src and not src.startswith("~"):
                    if not os.path.exists(src if os.path.isabs(src) else self.path(src)):
                        self.err("service %s: bind mount source %s does not exist" % (name, src))
        for v in sorted(declared - used):
            self.err("volume '%s' is declared but no service uses it" % v)

    def check_ports(self, services):
        seen = {}
        for name, svc in services.items():
            for p in svc.get("ports") or []:
                if isinstance(p, dict):
                    ip, host, proto = p.get("host_ip", "0.0.0.0"), p.get("published"), p.get("protocol", "tcp")
                else:
                    spec, _, proto = str(p).partition("/")
                    proto = proto or "tcp"
                    parts = spec.rsplit(":", 2)
                    if len(parts) == 1:
                        continue  # container port only: Docker picks a free host port
                    ip, host = (parts[0], parts[1]) if len(parts) == 3 else ("0.0.0.0", parts[0])
                if host in (None, ""):
                    continue
                if not re.fullmatch(r"\d+", str(host)):
                    self.err("service %s: host port %r is not a number" % (name, host))
                    continue
                for (oip, ohost, oproto), other in seen.items():
                    if ohost == str(host) and oproto == proto and (oip == ip or "0.0.0.0" in (oip, ip)):
                        self.err("host port %s/%s is published by both %s and %s" % (host, proto, other, name))
                seen[(ip, str(host), proto)] = name

    # -- scripts, classes and jars ----------------------------------------------------------------
    def check_bin_scripts(self, services):
        for name, svc in services.items():
            stages = svc.get("_stages")
            texts = [svc.get(k) for k in ("command", "entrypoint", "healthcheck")]
            for st in stages or []:
                texts += [rest for instr, rest in st.instructions if instr in ("ENTRYPOINT", "CMD", "HEALTHCHECK")]
            wanted = set()
            for s in strings_in(texts):
                wanted.update(OPT_BIN.findall(s))
            copied = set()
            for st in stages or []:
                for src_from, sources, dest in st.copies:
                    if not src_from and dest.startswith("/opt/wikipulse/bin"):
                        copied.update(os.path.basename(s) for s in sources)
            for script in sorted(wanted):
                self.checked["scripts"] += 1
                src = self.path("docker", "bin", script)
                if not os.path.isfile(src):
                    self.err("service %s runs /opt/wikipulse/bin/%s, but docker/bin/%s does not exist" % (name, script, script))
                elif not os.access(src, os.X_OK):
                    self.err("docker/bin/%s is not executable" % script)
                if stages is None:
                    self.err("service %s runs /opt/wikipulse/bin/%s but is not built from docker/Dockerfile" % (name, script))
                elif script not in copied:
                    self.err("service %s runs /opt/wikipulse/bin/%s, which its image does not COPY" % (name, script))

    def sources_to_scan(self, raw):
        texts = {COMPOSE_FILE: "\n".join(strings_in(raw))}
        for p in glob.glob(self.path("docker", "**", "*"), recursive=True):
            if os.path.isfile(p) and not p.endswith(".md"):
                texts[os.path.relpath(p, self.root)] = open(p, encoding="utf-8", errors="replace").read()
        return texts

    def check_main_classes(self, raw):
        for where, text in self.sources_to_scan(raw).items():
            for cls in sorted(set(MAIN_CLASS.findall(text))):
                self.checked["main classes"] += 1
                rel = cls.replace(".", "/") + ".java"
                hits = glob.glob(self.path("*", "src", "main", "java", rel)) + \
                    glob.glob(self.path("*", "*", "src", "main", "java", rel))
                if not hits:
                    self.err("%s names %s, which is not in any */src/main/java" % (where, cls))
                    continue
                if not any(re.search(r"static\s+void\s+main\s*\(", open(h, encoding="utf-8").read()) for h in hits):
                    self.err("%s names %s, which has no main method" % (where, cls))
                if not re.search(re.escape(cls) + r"\b", self.launcher):
                    self.err("%s runs %s, which ./wikipulse (wikipulse, bin/*.sh) does not run: "
                             "containers run the launcher's commands" % (where, cls))

    def check_target_files(self):
        texts = {"docker/Dockerfile": getattr(self, "dockerfile_text", ""), "README.md (Deployment)": self.deployment}
        for p in glob.glob(self.path("docker", "bin", "*")):
            texts[os.path.relpath(p, self.root)] = open(p, encoding="utf-8", errors="replace").read()
        for where, text in texts.items():
            for module, name in sorted(set(TARGET_FILE.findall(text))):
                self.checked["target files"] += 1
                module = module.lstrip("/")
                mdir = self.path(module)
                if not os.path.isfile(os.path.join(mdir, "pom.xml")):
                    if name.endswith(".jar"):
                        self.err("%s names %s/target/%s, but %s is not a Maven module" % (where, module, name, module))
                    continue
                if name.endswith(".jar"):
                    jars = expected_jars(mdir)
                    if not any(fnmatch.fnmatch(j, name) for j in jars):
                        self.err("%s names %s/target/%s; %s/pom.xml builds %s"
                                 % (where, module, name, module, ", ".join(sorted(jars))))
                elif "*" not in name and name not in pom_info(mdir)[4] and name not in ("classes", "dependency"):
                    self.err("%s names %s/target/%s, which %s/pom.xml does not write" % (where, module, name, module))


# ---------------------------------------------------------------------------------------------
# Self-test: broken copies must fail, each with the expected message

def _sub(path, old, new, count=1):
    def apply(root):
        p = os.path.join(root, path)
        text = open(p, encoding="utf-8").read()
        if old not in text:
            raise AssertionError("self-test: %r not found in %s" % (old, path))
        open(p, "w", encoding="utf-8").write(text.replace(old, new, count))
    return apply


def _sub_all(patterns, old, new):
    def apply(root):
        hit = False
        for pattern in patterns:
            for p in glob.glob(os.path.join(root, pattern)):
                text = open(p, encoding="utf-8").read()
                if old in text:
                    hit = True
                    open(p, "w", encoding="utf-8").write(text.replace(old, new))
        if not hit:
            raise AssertionError("self-test: %r not found in %s" % (old, patterns))
    return apply


def _append(path, extra):
    def apply(root):
        with open(os.path.join(root, path), "a", encoding="utf-8") as f:
            f.write(extra)
    return apply


def _chmod(path, mode):
    return lambda root: os.chmod(os.path.join(root, path), mode)


SELF_TESTS = [
    ("YAML syntax error", _append(COMPOSE_FILE, "\n  broken: [unclosed\n"), "does not parse"),
    ("image tagged latest", _sub(COMPOSE_FILE, "postgres:15.10", "postgres:latest"), "uses tag 'latest'"),
    ("untagged image", _sub(COMPOSE_FILE, "image: minio/minio:RELEASE.2024-10-13T13-34-11Z", "image: minio/minio"), "has no tag"),
    ("untagged FROM", _sub("docker/Dockerfile", "ARG JRE_IMAGE=eclipse-temurin:17.0.15_6-jre-jammy", "ARG JRE_IMAGE=eclipse-temurin"), "has no tag"),
    ("Flink image of another minor", _sub("docker/Dockerfile", "flink:1.19.1-scala_2.12-java17", "flink:1.20.0-scala_2.12-java17"), "is not Flink 1.19.x"),
    ("Spark image for Scala 2.13", _sub("docker/Dockerfile", "apache/spark:3.5.3-scala2.12-java17-ubuntu", "apache/spark:3.5.3-scala2.13-java17-ubuntu"), "not built for Scala 2.12"),
    ("service without image or build", _sub(COMPOSE_FILE, "    image: postgres:15.10\n", ""), "neither image nor build"),
    ("missing build target", _sub(COMPOSE_FILE, "target: serving }", "target: servign }"), "is not a stage"),
    ("unknown depends_on target", _sub(COMPOSE_FILE, "postgres: { condition: service_healthy }", "postgress: { condition: service_healthy }"), "unknown service postgress"),
    ("invalid condition", _sub(COMPOSE_FILE, "redpanda: { condition: service_healthy }", "redpanda: { condition: service_ready }"), "invalid condition"),
    ("healthy wait on a service without health check", _sub(COMPOSE_FILE, "    healthcheck:\n      test: [\"CMD\", \"mc\", \"ready\", \"local\"]\n", "    healthcheck:\n      disable: true\n"), "minio has no health check"),
    ("completion wait on a long-running service", _sub(COMPOSE_FILE, "create-topic: { condition: service_completed_successfully }", "redpanda: { condition: service_completed_successfully }"), "is not labelled"),
    ("long-running service without health check", _sub(COMPOSE_FILE, "      test: [\"CMD-SHELL\", \"grep -q batch-loop /proc/1/cmdline\"]\n", "      test: [\"NONE\"]\n"), "long-running service batch-scheduler has no health check"),
    ("dependency cycle", _sub(COMPOSE_FILE, "    depends_on:\n      postgres: { condition: service_healthy }\n    environment:\n      WIKIPULSE_JDBC_URL",
                              "    depends_on:\n      postgres: { condition: service_healthy }\n      serving: { condition: service_healthy }\n    environment:\n      WIKIPULSE_JDBC_URL"), "depends_on cycle"),
    ("one-shot service that restarts forever", _sub(COMPOSE_FILE, "        && mc mb --ignore-existing \"lake/$$bucket\"\n    restart: \"no\"", "        && mc mb --ignore-existing \"lake/$$bucket\"\n    restart: always"), "one-shot service create-bucket has restart 'always'"),
    ("bind mount source missing", _sub(COMPOSE_FILE, "${WIKIPULSE_BRIDGE_FILES:-./docker/files}", "${WIKIPULSE_BRIDGE_FILES:-./docker/recordings}"), "bind mount source ./docker/recordings does not exist"),
    ("literal secret", _sub(COMPOSE_FILE, "      POSTGRES_PASSWORD: ${WIKIPULSE_DB_PASSWORD:?set WIKIPULSE_DB_PASSWORD (PostgreSQL superuser password)}", "      POSTGRES_PASSWORD: hunter2hunter2"), "POSTGRES_PASSWORD has a literal value"),
    ("main class the launcher does not run", _sub_all(["wikipulse", "bin/*.sh"], "org.wikipulse.sql.Migrate ", "org.wikipulse.sql.Migrations "), "runs org.wikipulse.sql.Migrate, which ./wikipulse"),
    ("undeclared named volume", _sub(COMPOSE_FILE, "      - minio:/data", "      - minio-data:/data"), "'minio-data', which is not declared"),
    ("variable without default, undocumented", _sub(COMPOSE_FILE, "${WIKIPULSE_S3_REGION:-us-east-1}", "${WIKIPULSE_S3_ZONE}"), "WIKIPULSE_S3_ZONE has no default"),
    ("secret with a default", _sub(COMPOSE_FILE, "${WIKIPULSE_READER_PASSWORD:?", "${WIKIPULSE_READER_PASSWORD:-changeme}${IGNORED:?"), "looks secret but has a default"),
    ("two defaults for one variable", _sub(COMPOSE_FILE, "TOPIC: ${WIKIPULSE_TOPIC:-wiki-raw-events}", "TOPIC: ${WIKIPULSE_TOPIC:-other-topic}"), "has two defaults"),
    ("host port collision", _sub(COMPOSE_FILE, "${WIKIPULSE_SPARK_UI_PORT:-8082}", "${WIKIPULSE_SPARK_UI_PORT:-8081}"), "published by both"),
    ("main class that does not exist", _sub("docker/Dockerfile", "org.wikipulse.sql.Migrate\"]", "org.wikipulse.sql.Migrator\"]"), "org.wikipulse.sql.Migrator, which is not in any"),
    ("bundled jar of another name", _sub("runners/flink/pom.xml", "<shadedClassifierName>bundled</shadedClassifierName>", "<shadedClassifierName>all</shadedClassifierName>"), "wikipulse-runner-flink-0.1.0-SNAPSHOT-bundled.jar; runners/flink/pom.xml builds"),
    ("target file no pom writes", _sub("docker/Dockerfile", "runners/spark/target/java-options.txt", "runners/spark/target/jvm-options.txt"), "runners/spark/target/jvm-options.txt, which runners/spark/pom.xml does not write"),
    ("script missing from the image", _sub("docker/Dockerfile", "COPY docker/bin/flink-submit docker/bin/http-ok", "COPY docker/bin/http-ok"), "which its image does not COPY"),
    ("script not executable", _chmod("docker/bin/batch-loop", 0o644), "batch-loop is not executable"),
    ("COPY source excluded by .dockerignore", _append(".dockerignore", "\ndocker/bin/\n"), "excluded by .dockerignore"),
    ("unknown service key", _sub(COMPOSE_FILE, "    depends_on:\n      postgres: { condition: service_healthy }\n    environment:\n      WIKIPULSE_JDBC_URL",
                                 "    depend_on:\n      postgres: { condition: service_healthy }\n    environment:\n      WIKIPULSE_JDBC_URL"), "unknown key 'depend_on'"),
]


def copy_tree(src, dst):
    def ignore(d, names):
        return [n for n in names if n in (".git", "target", "data", "node_modules", "test", "docs", "bench")]
    shutil.copytree(src, dst, ignore=ignore, symlinks=True)


def self_test(root):
    failures = 0
    with tempfile.TemporaryDirectory(prefix="check-compose-") as tmp:
        clean = os.path.join(tmp, "clean")
        copy_tree(root, clean)
        errors = Checker(clean).run()
        if errors:
            print("self-test: the unmodified copy fails:\n  " + "\n  ".join(errors))
            return 1
        for i, (what, mutate, expected) in enumerate(SELF_TESTS):
            case = os.path.join(tmp, "case%02d" % i)
            copy_tree(clean, case)
            try:
                mutate(case)
            except AssertionError as e:
                print("self-test FAILED: %s: %s" % (what, e))
                failures += 1
                continue
            errors = Checker(case).run()
            if not any(expected in e for e in errors):
                print("self-test FAILED: %s: expected an error containing %r, got:\n  %s"
                      % (what, expected, "\n  ".join(errors) or "(no error)"))
                failures += 1
            else:
                print("self-test ok: %s -> %s" % (what, next(e for e in errors if expected in e)))
            shutil.rmtree(case)
    print("self-test: %d of %d broken copies caught" % (len(SELF_TESTS) - failures, len(SELF_TESTS)))
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    ap.add_argument("--self-test", action="store_true", help="also check that broken copies fail")
    opts = ap.parse_args()
    root = os.path.abspath(opts.root)
    checker = Checker(root)
    errors = checker.run()
    for e in errors:
        print("check-compose: %s" % e)
    if errors:
        print("check-compose: %d problem(s) in %s / docker/Dockerfile" % (len(errors), COMPOSE_FILE))
        return 1
    print("check-compose: %s and docker/Dockerfile are consistent with the source tree (%s)"
          % (COMPOSE_FILE, ", ".join("%s: %d" % kv for kv in checker.checked.items())))
    if opts.self_test:
        return self_test(root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
