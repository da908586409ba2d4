# Sourced by scripts/bench and scripts/bench-holds, from the repository's root:
#   measure_failed_replies DIR   the same failing replies charged by consume-then-refund and by
#                                holds (`quota simulate --replies`), at 16 threads on $QUOTA_DB_URL:
#                                DIR/replies.jsonl (one JSON envelope a run), DIR/replies-command.txt
measure_failed_replies() {
  local dir="$1" mode
  local replies=(--users 20 --limit 30 --requests 1000 --threads 16 --reply-latency 200 --reply-failures 10
                 --killed-callers 3 --hold-ttl 2000 --seed 1 -o json)
  mkdir -p "$dir"
  echo "quota simulate --replies refund|hold ${replies[*]}" > "$dir/replies-command.txt"
  : > "$dir/replies.jsonl"
  for mode in refund hold; do
    java -jar cli/target/quota.jar simulate --replies "$mode" "${replies[@]}" | tr -d '\n' >> "$dir/replies.jsonl"
    echo >> "$dir/replies.jsonl"
  done
}
