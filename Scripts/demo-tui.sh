# Sourced by demo.sh on a terminal: a demo list, synced, then the full-screen app.
"$BIN/rounds" list create "4 West high risk" >/dev/null
"$BIN/rounds" list add "4 West high risk" contos-0001 contos-0002 contos-0003 contos-0004 contos-0005 contos-0006 contos-0007 contos-0008 contos-0009 contos-0010 contos-0011 contos-0012 >/dev/null
"$BIN/rounds" list create "ICU step-down" --columns name,mrn,age-sex,news2,hr,bp,rr,spo2,temp,vitals-time >/dev/null
"$BIN/rounds" list add "ICU step-down" contos-0013 contos-0014 contos-0015 contos-0016 >/dev/null
"$BIN/rounds" note add contos-0003 "Increasing O2 requirement, reviewed by MET" >/dev/null
"$BIN/rounds" sync
echo "Opening Rounds (q quits; ? shows every key). The sandbox stops when you quit."
sleep 1
"$BIN/rounds"
