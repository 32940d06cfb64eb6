# Reads the RESULT lines of several benchmark rounds
#   RESULT workload=<name> stepwise=<v> baseline=<v> ratio=<x> [unit=<u>]
# and prints, per workload in first-seen order, every round's ratio (lowest
# first), then the RESULT line of the round with the median ratio (for an
# even count, the lower middle one):
#   ROUNDS workload=<name> ratios=<r1> <r2> <r3>
#   RESULT workload=<name> ... (the median round's line, unchanged)
# Used by scripts/bench and scripts/bench-durable; other lines are ignored.
$1 == "RESULT" {
  name = ""
  ratio = 0
  for (i = 2; i <= NF; i++) {
    split($i, kv, "=")
    if (kv[1] == "workload") name = kv[2]
    if (kv[1] == "ratio") ratio = kv[2] + 0
  }
  if (name == "") next
  if (!(name in count)) order[++names] = name
  n = ++count[name]
  ratios[name, n] = ratio
  lines[name, n] = $0
}
END {
  for (k = 1; k <= names; k++) {
    name = order[k]
    n = count[name]
    for (i = 1; i <= n; i++) idx[i] = i
    for (i = 1; i <= n; i++)
      for (j = i + 1; j <= n; j++)
        if (ratios[name, idx[j]] < ratios[name, idx[i]]) {
          t = idx[i]; idx[i] = idx[j]; idx[j] = t
        }
    text = ""
    for (i = 1; i <= n; i++) text = text (i > 1 ? " " : "") ratios[name, idx[i]]
    printf "ROUNDS workload=%s ratios=%s\n", name, text
    median[name] = lines[name, idx[int((n + 1) / 2)]]
  }
  for (k = 1; k <= names; k++) print median[order[k]]
}
