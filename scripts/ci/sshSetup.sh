#!/usr/bin/env bash
# scripts/ci/sshSetup.sh <stack>: a workflow job's way to the stack's Docker host. Installs the repository's
# known_hosts as ~/.ssh/known_hosts (the only host keys ssh will accept: StrictHostKeyChecking=yes in the
# program's ssh options), loads DOCKER_SSH_KEY into an ssh-agent kept for the job's later steps, and opens the
# forward to the host's published Grafana (npm run tunnel). Needs: DOCKER_SSH_KEY; GITHUB_ENV when run in a job.
set -euo pipefail
stack="${1:?usage: scripts/ci/sshSetup.sh <stack>}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
if [ -z "${DOCKER_SSH_KEY:-}" ]; then
    echo "error: DOCKER_SSH_KEY is empty: add the deploy key of stack ${stack}'s host as a secret of its GitHub environment" >&2
    exit 1
fi
install -d -m 700 "$HOME/.ssh"
install -m 600 "$root/known_hosts" "$HOME/.ssh/known_hosts"
eval "$(ssh-agent -s)" >/dev/null
printf '%s\n' "$DOCKER_SSH_KEY" | ssh-add -q -
# The agent outlives this step; later steps find it through the job's environment.
if [ -n "${GITHUB_ENV:-}" ]; then printf "SSH_AUTH_SOCK=%s\nSSH_AGENT_PID=%s\n" "$SSH_AUTH_SOCK" "$SSH_AGENT_PID" >> "$GITHUB_ENV"; fi
cd "$root"
npm run --silent tunnel -- "$stack"
