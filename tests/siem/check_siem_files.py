#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# Exercises contrib/'s SIEM files against real smbwatch records (NDJSON from a lab run):
#  - the Elasticsearch index template (dynamic: strict) maps every field of every record, with
#    a type the value fits (ip, long, date, boolean, keyword, nested);
#  - Filebeat's config is YAML with a filestream input, an ndjson parser at the top level, and a
#    path that matches smbwatch's file;
#  - Fluent Bit's tail input uses a json parser whose Time_Format reads @timestamp;
#  - the Sigma rule is well-formed and its detection, evaluated here, matches the SMS client's
#    finding records and nothing else;
#  - rsyslog's imfile config passes rsyslogd -N1 and, run for real, carries every record
#    through unchanged.
# Usage: check_siem_files.py CONTRIB_DIR RECORDS.json WORKDIR
import fnmatch
import ipaddress
import json
import os
import subprocess
import sys
import time
from datetime import datetime

import yaml

contrib, records_path, work = sys.argv[1:4]
records = [json.loads(l) for l in open(records_path) if l.strip()]
problems = []


def problem(msg):
    problems.append(msg)
    print("check_siem_files:", msg)


# --- Elasticsearch template
tpl = json.load(open(os.path.join(contrib, "elasticsearch", "smbwatch-index-template.json")))
root = tpl["template"]["mappings"]


def fits(value, mapping, path):
    t = mapping.get("type", "object")
    if isinstance(value, list) and t != "nested":
        for v in value:
            fits(v, mapping, path)
        return
    if t in ("object",) or "properties" in mapping and t != "nested":
        if not isinstance(value, dict):
            problem(f"{path}: mapped as object, value {value!r}")
            return
        if mapping.get("dynamic") is True and "properties" not in mapping:
            return
        props = mapping.get("properties", {})
        for k, v in value.items():
            if k not in props:
                problem(f"{path}.{k}: not in the index template (dynamic: strict would reject it)")
            else:
                fits(v, props[k], f"{path}.{k}")
    elif t == "nested":
        for item in value if isinstance(value, list) else [value]:
            fits(item, {"properties": mapping["properties"]}, path)
    elif t == "ip":
        try:
            ipaddress.ip_address(value)
        except ValueError:
            problem(f"{path}: {value!r} is not an IP address")
    elif t in ("long", "double"):
        if value is not None and not isinstance(value, (int, float)) or isinstance(value, bool):
            problem(f"{path}: {value!r} is not a number")
    elif t == "date":
        try:
            datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ")
        except (TypeError, ValueError):
            problem(f"{path}: {value!r} is not a date")
    elif t == "boolean":
        if not isinstance(value, bool):
            problem(f"{path}: {value!r} is not a boolean")
    elif t in ("keyword", "text"):
        if not isinstance(value, str):
            problem(f"{path}: {value!r} is not a string")


for r in records:
    fits(r, root, "")

# --- Filebeat
fb = yaml.safe_load(open(os.path.join(contrib, "filebeat", "filebeat.yml")))
inp = fb["filebeat.inputs"][0]
if inp["type"] != "filestream":
    problem("filebeat: input is not filestream")
nd = [p["ndjson"] for p in inp.get("parsers", []) if "ndjson" in p]
if not nd or nd[0].get("target") != "":
    problem("filebeat: no ndjson parser at the top level")
if not any(fnmatch.fnmatch("/var/log/smbwatch/smbwatch.json", p) for p in inp["paths"]):
    problem("filebeat: the paths miss smbwatch's file")


# --- Fluent Bit (classic format)
def sections(path):
    out, cur = [], None
    for line in open(path):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            cur = {"_": line.strip("[]")}
            out.append(cur)
        else:
            k, v = line.split(None, 1)
            cur[k] = v
    return out


fbit = sections(os.path.join(contrib, "fluent-bit", "fluent-bit.conf"))
parsers = sections(os.path.join(contrib, "fluent-bit", "parsers.conf"))
tail = [s for s in fbit if s["_"] == "INPUT" and s.get("Name") == "tail"]
if not tail:
    problem("fluent-bit: no tail input")
else:
    p = [x for x in parsers if x.get("Name") == tail[0].get("Parser")]
    if not p or p[0].get("Format") != "json":
        problem("fluent-bit: the tail input's parser is not a json parser")
    elif p[0].get("Time_Key") != "@timestamp":
        problem("fluent-bit: Time_Key is not @timestamp")
    else:
        fmt = p[0]["Time_Format"].replace("%L", "%f")
        for r in records:
            datetime.strptime(r["@timestamp"], fmt)

# --- Sigma: well-formed, and its detection evaluated on the records
sigma = yaml.safe_load(open(os.path.join(contrib, "sigma", "smbwatch_sms_client_token_lockout.yml")))
for key in ("title", "id", "logsource", "detection", "level"):
    if key not in sigma:
        problem(f"sigma: no {key}")


def get(r, dotted):
    for part in dotted.split("."):
        if not isinstance(r, dict) or part not in r:
            return None
        r = r[part]
    return r


def matches(r, sel):
    for field, want in sel.items():
        name, _, mod = field.partition("|")
        v = get(r, name)
        wants = want if isinstance(want, list) else [want]
        if mod == "startswith":
            ok = isinstance(v, str) and any(v.startswith(w) for w in wants)
        elif mod == "":
            ok = v in wants
        else:
            problem(f"sigma: modifier {mod} not understood here")
            ok = False
        if not ok:
            return False
    return True


det = sigma["detection"]
if det["condition"] != "selection and sms_account":
    problem("sigma: unexpected condition")
hits = [r for r in records if matches(r, det["selection"]) and matches(r, det["sms_account"])]
sms_findings = [r for r in records if get(r, "event.dataset") == "smbwatch.finding"
                and str(get(r, "user.name")).startswith("SMSCliToknAcct&")]
if not sms_findings:
    problem("no SMS finding in the records: the scenario did not run")
if hits != sms_findings:
    problem(f"sigma: matched {len(hits)} record(s), want the {len(sms_findings)} SMS finding(s)")

# --- rsyslog imfile: syntax check, then carry the records for real
conf = open(os.path.join(contrib, "rsyslog", "smbwatch.conf")).read()
src = os.path.join(work, "in.json")
dst = os.path.join(work, "out.json")
conf = conf.replace("SMBWATCH_FILE", src).replace("SMBWATCH_OUT", dst)
conf = f'global(workDirectory="{work}" maxMessageSize="64k")\n' + conf
open(os.path.join(work, "rsyslog.conf"), "w").write(conf)
open(src, "w").close()
if os.path.exists(dst):
    os.remove(dst)
chk = subprocess.run(["rsyslogd", "-N1", "-f", os.path.join(work, "rsyslog.conf")],
                     capture_output=True, text=True)
if chk.returncode:
    problem("rsyslog: rsyslogd -N1 rejects the config: " + chk.stderr.strip()[-300:])
else:
    proc = subprocess.Popen(["rsyslogd", "-n", "-f", os.path.join(work, "rsyslog.conf"),
                             "-i", os.path.join(work, "rsyslog.pid")])
    try:
        time.sleep(1)
        with open(src, "a") as f:
            for line in open(records_path):
                f.write(line)
        lines = []
        for _ in range(100):
            time.sleep(0.1)
            if os.path.exists(dst):
                lines = [l for l in open(dst) if l.strip()]
                if len(lines) >= len(records):
                    break
        got = [json.loads(l) for l in lines]
        if got != records:
            problem(f"rsyslog imfile: {len(got)} record(s) out, {len(records)} in, or changed")
    finally:
        proc.terminate()
        proc.wait()

print(f"check_siem_files: {len(records)} record(s), {len(problems)} problem(s)")
sys.exit(1 if problems else 0)
