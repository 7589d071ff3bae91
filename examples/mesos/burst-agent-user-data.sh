#!/bin/bash
# User data for a burst instance: at boot, start its Mesos agent so that it
# joins the private cluster with the attributes spotburst's Mesos adapter
# recognises.
#
#   instance_id:<EC2 instance id>  marks a burst agent and ties it to its
#                                  instance (mesos.instance_id_attribute)
#   cloud_type:burst               the burst marker, which the adapter checks
#                                  Marathon's constraints against
#                                  (mesos.burst_attributes) and which keeps
#                                  burst agents out of the private selector
#   zone:<availability zone>       for constraints that spread by zone
#
# Point the launch specification at this file (policy key
# instance.launch_spec.user_data_file) after setting MESOS_MASTER below.
# The image must have mesos-agent installed (e.g. the one your private
# agents run). Runs as root under cloud-init; its output goes to
# /var/log/cloud-init-output.log.
#
# To check it anywhere: MESOS_AGENT_DRY_RUN=1 prints the agent's command
# line instead of starting it (IMDS_ENDPOINT points at another metadata
# service, e.g. a test's).
set -euo pipefail

# --- Settings for your cluster ----------------------------------------------
# The masters, as their --zk flag or a host:port list.
MESOS_MASTER="${MESOS_MASTER:-zk://10.20.0.11:2181,10.20.0.12:2181,10.20.0.13:2181/mesos}"
BURST_MARKER="${BURST_MARKER:-cloud_type:burst}"
INSTANCE_ID_ATTRIBUTE="${INSTANCE_ID_ATTRIBUTE:-instance_id}"
WORK_DIR="${WORK_DIR:-/var/lib/mesos/agent}"
# ----------------------------------------------------------------------------

IMDS_ENDPOINT="${IMDS_ENDPOINT:-http://169.254.169.254}"

# IMDSv2: a session token first, then each value with it.
token=$(curl -sSf --retry 5 --retry-connrefused --max-time 5 -X PUT \
  -H "X-aws-ec2-metadata-token-ttl-seconds: 300" \
  "${IMDS_ENDPOINT}/latest/api/token")
metadata() {
  curl -sSf --retry 5 --retry-connrefused --max-time 5 \
    -H "X-aws-ec2-metadata-token: ${token}" \
    "${IMDS_ENDPOINT}/latest/meta-data/$1"
}
instance_id=$(metadata instance-id)
zone=$(metadata placement/availability-zone)
address=$(metadata local-ipv4)

# Mesos attribute text allows [a-zA-Z0-9_/.-]; refuse anything else rather
# than start an agent the adapter would not recognise.
for value in "$instance_id" "$zone" "$address"; do
  if [[ ! "$value" =~ ^[a-zA-Z0-9_/.-]+$ ]]; then
    echo "burst agent: unexpected metadata value: ${value:0:40}" >&2
    exit 1
  fi
done

args=(
  "--master=${MESOS_MASTER}"
  "--attributes=${BURST_MARKER};${INSTANCE_ID_ATTRIBUTE}:${instance_id};zone:${zone}"
  "--ip=${address}"
  "--hostname=${address}"
  "--work_dir=${WORK_DIR}"
  "--containerizers=docker,mesos"
)

if [[ "${MESOS_AGENT_DRY_RUN:-0}" == 1 ]]; then
  printf '%s\n' mesos-agent "${args[@]}"
  exit 0
fi

mkdir -p "${WORK_DIR}"
# A unit of its own, so the agent restarts if it dies and stops cleanly
# (its tasks are drained by spotburst before the instance ends).
cat > /etc/systemd/system/mesos-agent-burst.service <<UNIT
[Unit]
Description=Mesos agent of a spotburst burst instance
After=network-online.target
Wants=network-online.target

[Service]
ExecStart=$(command -v mesos-agent) ${args[*]}
Restart=always
RestartSec=5
KillMode=process

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now mesos-agent-burst.service
