#!/usr/bin/env python3
import subprocess, time, os, statistics, sys
# Two release binaries of `epic-events`, before and after a change, timed in turn on the
# same generated data set (whole processes, as a person's commands are):
#   python3 benches/head_to_head.py OLD_BINARY NEW_BINARY DATABASE_URL LABEL [generate]
# e.g. python3 benches/head_to_head.py /tmp/old/epic-events target/release/epic-events \
#        "sqlite:///tmp/ab/ab.db?mode=rwc" SQLite generate
# It works in a directory of its own (/tmp/head-to-head), signs each binary in with its
# own configuration directory, then prints one Markdown row per case: medians of fifteen
# runs each (after two to warm up), alternating which binary goes first.
import sys
OLD, NEW = sys.argv[1], sys.argv[2]
AB = "/tmp/head-to-head"
os.makedirs(AB, exist_ok=True)
def env(url, config):
    e=dict(os.environ); e.update({"DATABASE_URL":url,"EPIC_EVENTS_CONFIG_DIR":config,"TZ":"UTC","NO_COLOR":"1"})
    for k in ["EPIC_EVENTS_JWT_SECRET","SENTRY_DSN","EPIC_EVENTS_JSON_ROUND_TRIP"]: e.pop(k,None)
    return e
def run(binary, args, url, config, stdin=""):
    start=time.perf_counter()
    p=subprocess.run([binary]+args, input=stdin.encode(), env=env(url,config), cwd=AB, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed=(time.perf_counter()-start)*1000
    if p.returncode!=0: print("FAILED", binary, args, p.stderr.decode()[:300]); sys.exit(1)
    return elapsed
def main(url, label, generate):
    if generate:
        print("generating", label, flush=True)
        subprocess.run([NEW,"base","generer","--oui"], env=env(url, AB+"/gen-config"), cwd=AB, check=True, stdout=subprocess.DEVNULL)
    scripts={"first":"afficher(contrats(#{ limite: 20 }));","without":"afficher(evenements_sans_support(#{ limite: 20 }));","unpaid":"afficher(mes_contrats_non_payes(#{ limite: 20 }));"}
    for name,text in scripts.items(): open(f"{AB}/{name}.rhai","w").write(text)
    configs={}
    for which,binary in [("old",OLD),("new",NEW)]:
        for user in ["gestion001","commercial001"]:
            config=f"{AB}/{label}-{which}-{user}"
            os.makedirs(config, mode=0o700, exist_ok=True)
            run(binary,["connexion","--utilisateur",user],url,config,"demo-epic-events\n")
            configs[(which,user)]=config
    cases=[("1. start and quit", lambda b,w: run(b,[],url,configs[(w,"gestion001")],"2\n")),
           ("3. first page", lambda b,w: run(b,["executer","first.rhai","--format","csv"],url,configs[(w,"gestion001")])),
           ("4. unpaid (sales)", lambda b,w: run(b,["executer","unpaid.rhai","--format","csv"],url,configs[(w,"commercial001")])),
           ("4. without support", lambda b,w: run(b,["executer","without.rhai","--format","csv"],url,configs[(w,"gestion001")]))]
    for name,case in cases:
        times={"old":[],"new":[]}
        for i in range(2): case(OLD,"old"); case(NEW,"new")   # warm-up
        for i in range(15):
            for w,b in ([("old",OLD),("new",NEW)] if i%2==0 else [("new",NEW),("old",OLD)]):
                times[w].append(case(b,w))
        o=statistics.median(times["old"]); n=statistics.median(times["new"])
        print(f"| {name} | {label} | {o:.1f} ms ({min(times['old']):.1f}–{max(times['old']):.1f}) | {n:.1f} ms ({min(times['new']):.1f}–{max(times['new']):.1f}) | {n/o:.2f} |", flush=True)
if __name__=="__main__":
    main(sys.argv[3], sys.argv[4], len(sys.argv) > 5 and sys.argv[5]=="generate")
