"""Joins kernel_bench's and sdpa_bench's JSON into the attention table (partition SMs, ours, read
limit, ours / limit, PyTorch) and one combined JSON.

    python3 report.py OURS.json SDPA.json COMBINED.json
"""
import json
import sys


def main():
    ours_path, sdpa_path, out_path = sys.argv[1:4]
    with open(ours_path) as f:
        ours = json.load(f)
    with open(sdpa_path) as f:
        sdpa = json.load(f)
    torch_by_sms = {row["requested_sms"]: row for row in sdpa.get("partitions", []) if "tbs" in row}
    lines = ["| partition SMs | ours TB/s | read limit TB/s | ours / read limit | PyTorch SDPA TB/s | our kernel |",
             "|---|---|---|---|---|---|"]
    for row in ours["attention"]["partitions"]:
        if row["green_context"]:
            label = str(row["granted_sms"])
            torch_row = torch_by_sms.get(row["requested_sms"])
            torch_tbs = f"{torch_row['tbs']:.2f}" if torch_row else "-"
        else:
            label = f"{row['granted_sms']} (whole GPU, no partition)"
            torch_tbs = f"{sdpa['whole_gpu']['tbs']:.2f}"
        lines.append(f"| {label} | {row['attention_tbs']:.2f} | {row['read_tbs']:.2f} | "
                     f"{row['percent_of_read']:.1f}% | {torch_tbs} | {row.get('kernel', 'decode_attention')} |")
    print("\n".join(lines))
    if "partitions_unavailable" in sdpa:
        print(f"PyTorch on partitions: not measured ({sdpa['partitions_unavailable']})")
    with open(out_path, "w") as f:
        json.dump({"ours": ours, "pytorch": sdpa, "table": lines}, f, indent=2)


if __name__ == "__main__":
    main()
