#!/usr/bin/env bash
# Real OpenSSH servers on loopback for the remote-execution tests: one sshd per simulated host
# (127.0.0.1, 127.0.0.2, 127.0.0.3 on one fixed port), so a test can kill one host alone.
#
#   ssh-hosts.sh start              install openssh-server if missing, prepare user, keys and configs,
#                                   start every standard host that is not running (idempotent)
#   ssh-hosts.sh stop               stop every sshd this script started, standard or extra, with its
#                                   connection processes (idempotent)
#   ssh-hosts.sh status             one line per host: up or down; exit 0 only if all standard hosts are up
#   ssh-hosts.sh env                prints the export lines the tests read (PJ_SSH_CONFIG, PJ_SSH_STATE, PJ_SSH_HOSTS)
#   ssh-hosts.sh start-host ADDR [PORT]   start one host (an extra one, for a test that kills it)
#   ssh-hosts.sh stop-host ADDR [PORT]    kill one host's sshd and its connections at once, as if the
#                                         machine went away (the commands it ran are not touched)
#
# Settings: PJ_SSH_STATE (default /tmp/parallel-jobs-ssh), PJ_SSH_PORT (22022), PJ_SSH_USER (pjtest).
# Tests pass "$PJ_SSH_STATE/ssh_config" to ssh -F: it names the user, port, key and known_hosts, and sets
# BatchMode. Only loopback addresses are accepted. Needs root (a user is created and sshd runs as root).
set -euo pipefail

STATE=${PJ_SSH_STATE:-/tmp/parallel-jobs-ssh}
PORT=${PJ_SSH_PORT:-22022}
TEST_USER=${PJ_SSH_USER:-pjtest}
STANDARD_HOSTS="127.0.0.1 127.0.0.2 127.0.0.3"

say() { echo "ssh-hosts: $*" >&2; }
die() { say "$*"; exit 2; }

require_loopback() {
    case "$1" in
        127.*) ;;
        *) die "'$1' is not a loopback address; only 127.x.y.z hosts are started" ;;
    esac
    [[ "$1" =~ ^127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ ]] || die "'$1' is not an IPv4 loopback address"
}

require_port() {
    [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -ge 1024 ] && [ "$1" -le 65535 ] || die "port '$1' must be a number from 1024 to 65535"
}

require_root() {
    [ "$(id -u)" = 0 ] || die "needs root (creates the user '$TEST_USER' and runs sshd); the SSH tests will be skipped"
}

sshd_path() {
    local p
    p=$(command -v sshd 2>/dev/null || true)
    [ -n "$p" ] || p=/usr/sbin/sshd
    echo "$p"
}

install_server() {
    [ -x "$(sshd_path)" ] && return 0
    command -v apt-get >/dev/null 2>&1 || die "sshd is not installed and there is no apt-get to install openssh-server"
    say "installing openssh-server"
    # apt-get update only when something is missing, so a re-run costs nothing.
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null ||
        die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server >/dev/null ||
        die "apt-get install openssh-server failed"
    [ -x "$(sshd_path)" ] || die "openssh-server installed, but no sshd found"
}

prepare_user() {
    if ! id "$TEST_USER" >/dev/null 2>&1; then
        useradd -m -s /bin/sh "$TEST_USER" || die "cannot create user '$TEST_USER'"
    fi
    # useradd leaves the account locked ('!'); with UsePAM no, sshd then refuses even key logins.
    # '*' keeps password login impossible but lets the key in.
    usermod -p '*' "$TEST_USER"
    local home
    home=$(getent passwd "$TEST_USER" | cut -d: -f6)
    [ -d "$home" ] || die "home directory '$home' of '$TEST_USER' is missing"
    install -d -m 700 -o "$TEST_USER" -g "$(id -gn "$TEST_USER")" "$home/.ssh"
    local keys="$home/.ssh/authorized_keys" pub
    pub=$(cat "$STATE/client_key.pub")
    touch "$keys"
    grep -qxF "$pub" "$keys" || echo "$pub" >>"$keys"
    chown "$TEST_USER:$(id -gn "$TEST_USER")" "$keys"
    chmod 600 "$keys"
}

prepare_keys() {
    install -d -m 700 "$STATE" "$STATE/hosts"
    [ -f "$STATE/client_key" ] || ssh-keygen -q -t ed25519 -N '' -C "parallel-jobs-tests" -f "$STATE/client_key"
    [ -f "$STATE/host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C "parallel-jobs-test-host" -f "$STATE/host_ed25519_key"
    touch "$STATE/known_hosts"
}

write_client_config() {
    cat >"$STATE/ssh_config.tmp" <<EOF
# Written by tests/infra/ssh-hosts.sh: the client side of the loopback test hosts (ssh -F this file).
Host *
    User $TEST_USER
    Port $PORT
    IdentityFile $STATE/client_key
    IdentitiesOnly yes
    IdentityAgent none
    UserKnownHostsFile $STATE/known_hosts
    GlobalKnownHostsFile /dev/null
    StrictHostKeyChecking yes
    CheckHostIP no
    BatchMode yes
    LogLevel ERROR
    ConnectTimeout 10
EOF
    mv "$STATE/ssh_config.tmp" "$STATE/ssh_config"
}

host_dir() { echo "$STATE/hosts/$1-$2"; }

# The pid of this host's listening sshd, if it runs (checked against its command line, so a stale pid
# file never names someone else's process).
listener_pid() {
    local dir pid
    dir=$(host_dir "$1" "$2")
    [ -f "$dir/sshd.pid" ] || return 1
    pid=$(cat "$dir/sshd.pid" 2>/dev/null || true)
    [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$dir/sshd_config" || return 1
    echo "$pid"
}

add_known_host() {
    local entry="[$1]:$2" key
    key=$(cut -d' ' -f1,2 "$STATE/host_ed25519_key.pub")
    grep -qF "$entry $key" "$STATE/known_hosts" || echo "$entry $key" >>"$STATE/known_hosts"
}

write_server_config() {
    local addr=$1 port=$2 dir
    dir=$(host_dir "$addr" "$port")
    install -d -m 700 "$dir"
    cat >"$dir/sshd_config" <<EOF
# Written by tests/infra/ssh-hosts.sh: one simulated host, loopback only.
ListenAddress $addr:$port
HostKey $STATE/host_ed25519_key
PidFile $dir/sshd.pid
# UsePAM no: PAM modules here expect logind, which does not run without systemd.
UsePAM no
AuthenticationMethods publickey
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers $TEST_USER
AuthorizedKeysFile .ssh/authorized_keys
# Many slots share one connection: the default of 10 sessions per connection is too few.
MaxSessions 256
MaxStartups 256
UseDNS no
X11Forwarding no
AllowTcpForwarding no
PrintMotd no
PrintLastLog no
LogLevel INFO
EOF
    # Newer sshd (9.8+) penalise addresses whose connections end badly; the tests kill connections on purpose.
    if "$(sshd_path)" -t -f "$dir/sshd_config" -o PerSourcePenalties=no >/dev/null 2>&1; then
        echo "PerSourcePenalties no" >>"$dir/sshd_config"
    fi
}

start_host() {
    local addr=$1 port=$2 dir pid
    dir=$(host_dir "$addr" "$port")
    if pid=$(listener_pid "$addr" "$port"); then
        return 0
    fi
    write_server_config "$addr" "$port"
    add_known_host "$addr" "$port"
    # sshd refuses to start without its privilege-separation directory.
    install -d -m 755 /run/sshd
    rm -f "$dir/sshd.pid"
    if ! "$(sshd_path)" -f "$dir/sshd_config" -E "$dir/sshd.log"; then
        die "sshd for $addr:$port did not start: $(tail -n 3 "$dir/sshd.log" 2>/dev/null | tr '\n' ' ')"
    fi
    # sshd writes its pid file once it listens; wait for that (bounded).
    local i
    for i in $(seq 1 100); do
        if listener_pid "$addr" "$port" >/dev/null && (exec 3<>"/dev/tcp/$addr/$port") 2>/dev/null; then
            return 0
        fi
        sleep 0.05
    done
    die "sshd for $addr:$port did not come up: $(tail -n 3 "$dir/sshd.log" 2>/dev/null | tr '\n' ' ')"
}

# All sshd processes below a listener: one privileged monitor per connection and its session child.
sshd_descendants() {
    local root=$1
    ps -e -o pid=,ppid=,comm= | awk -v root="$root" '
        { parent[$1] = $2; name[$1] = $3 }
        END {
            changed = 1; member[root] = 1
            while (changed) {
                changed = 0
                for (p in parent) if (!(p in member) && (parent[p] in member) && name[p] == "sshd") { member[p] = 1; changed = 1 }
            }
            for (p in member) if (p != root) print p
        }'
}

stop_host() {
    local addr=$1 port=$2 signal=${3:-TERM} pid kids
    if ! pid=$(listener_pid "$addr" "$port"); then
        rm -f "$(host_dir "$addr" "$port")/sshd.pid"
        return 0
    fi
    kids=$(sshd_descendants "$pid")
    kill "-$signal" "$pid" $kids 2>/dev/null || true
    local i
    for i in $(seq 1 100); do
        kill -0 "$pid" $kids 2>/dev/null || break
        sleep 0.05
    done
    kill -KILL "$pid" $kids 2>/dev/null || true
    rm -f "$(host_dir "$addr" "$port")/sshd.pid"
}

all_host_dirs() {
    [ -d "$STATE/hosts" ] || return 0
    local d
    for d in "$STATE"/hosts/*-*; do
        [ -d "$d" ] && basename "$d"
    done
}

cmd_start() {
    require_root
    install_server
    prepare_keys
    prepare_user
    write_client_config
    local a
    for a in $STANDARD_HOSTS; do start_host "$a" "$PORT"; done
    cmd_status
}

cmd_stop() {
    local name
    for name in $(all_host_dirs); do
        stop_host "${name%-*}" "${name##*-}"
    done
}

cmd_status() {
    local a name pid all_up=0
    for a in $STANDARD_HOSTS; do
        if pid=$(listener_pid "$a" "$PORT"); then echo "up   $a:$PORT pid $pid"; else echo "down $a:$PORT"; all_up=3; fi
    done
    for name in $(all_host_dirs); do
        case " $STANDARD_HOSTS " in *" ${name%-*} "*) [ "${name##*-}" = "$PORT" ] && continue ;; esac
        if pid=$(listener_pid "${name%-*}" "${name##*-}"); then echo "up   ${name%-*}:${name##*-} pid $pid (extra)"; fi
    done
    return $all_up
}

cmd_env() {
    echo "export PJ_SSH_STATE='$STATE'"
    echo "export PJ_SSH_CONFIG='$STATE/ssh_config'"
    echo "export PJ_SSH_HOSTS='$STANDARD_HOSTS'"
    echo "export PJ_SSH_PORT='$PORT'"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    env) cmd_env ;;
    start-host)
        require_root
        [ -n "${2:-}" ] || die "usage: $0 start-host ADDR [PORT]"
        require_loopback "$2"; require_port "${3:-$PORT}"
        [ -f "$STATE/ssh_config" ] || die "run '$0 start' first"
        start_host "$2" "${3:-$PORT}"
        ;;
    stop-host)
        [ -n "${2:-}" ] || die "usage: $0 stop-host ADDR [PORT]"
        require_loopback "$2"; require_port "${3:-$PORT}"
        stop_host "$2" "${3:-$PORT}" KILL
        ;;
    *) die "usage: $0 start|stop|status|env|start-host ADDR [PORT]|stop-host ADDR [PORT]" ;;
esac
