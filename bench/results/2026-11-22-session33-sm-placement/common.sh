# Sourced by this folder's GPU scripts: session 32's environment, header, step(), run() and $s27,
# $s29, $s31, with session 32's folder as $s32 and this folder as $here; and old(), run() with the
# runtime as it was before this session, for before-and-after on one machine. .old/ (ignored) was
# made here: `git worktree add /tmp/old fd7b7de`, `npx tsc -p .` and `npm run build:native` there,
# then its dist/ (less dist/test and dist/bench), build/Release, native/kernels, schema and
# package.json copied into .old/.
# The pruned modules travel packed (.gpu-modules/modules.txz, tar cJf of .gpu-modules/node_modules):
# unpacked they took more of the 64 MiB a call carries.
[ -d .gpu-modules/node_modules ] || tar xJf .gpu-modules/modules.txz -C .gpu-modules
source bench/results/2026-11-22-session32-long-context/common.sh
s32=$here
here=bench/results/2026-11-22-session33-sm-placement
ln -sfn ../.gpu-modules/node_modules .old/node_modules

old() { # name plan extra-args...
  local name=$1 plan=$2; shift 2
  step $name 240 node .old/dist/cli/main.js run --plan $plan --iterations 30 --modes planned,sequential --json "$@"
  node $s27/format.mjs $OUT/$name.txt | sed -n 1,24p
}
