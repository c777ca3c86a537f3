using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ParallelJobs.Remote
{
    /// <summary>
    /// One host entry as the user writes it: <c>[slots/][user@]host[:port]</c>, where slots is a positive
    /// number or <c>auto</c> (ask the host for its processor count), an IPv6 address goes in brackets
    /// (<c>[::1]:2222</c>), and <c>:</c> stands for this machine without SSH (as in GNU parallel).
    /// Anything else is refused with a message naming the entry, before any connection is made.
    /// </summary>
    internal sealed class SshHost
    {
        private SshHost(string entry, bool isLocal, int? slots, bool autoSlots, string? user, string hostName, int? port)
        {
            Entry = entry;
            IsLocal = isLocal;
            Slots = slots;
            AutoSlots = autoSlots;
            User = user;
            HostName = hostName;
            Port = port;
        }

        /// <summary>The entry exactly as given.</summary>
        public string Entry { get; }
        /// <summary>True for <c>:</c>: commands run on this machine, without SSH.</summary>
        public bool IsLocal { get; }
        /// <summary>Slots the entry asks for; null when it names none (the run's default applies) or says auto.</summary>
        public int? Slots { get; }
        /// <summary>True for <c>auto/host</c>: the host's processor count, asked at start.</summary>
        public bool AutoSlots { get; }
        public string? User { get; }
        /// <summary>The host name or address, without brackets; empty for the local entry.</summary>
        public string HostName { get; }
        public int? Port { get; }

        /// <summary>The entry without its slot count: what results and the job log show as the host.</summary>
        public string Name
        {
            get
            {
                if (IsLocal) return ":";
                var sb = new StringBuilder();
                if (User != null) sb.Append(User).Append('@');
                if (HostName.IndexOf(':') >= 0) sb.Append('[').Append(HostName).Append(']');
                else sb.Append(HostName);
                if (Port.HasValue) sb.Append(':').Append(Port.Value.ToString(CultureInfo.InvariantCulture));
                return sb.ToString();
            }
        }

        public override string ToString() => Entry;

        /// <summary>Parses a list of entries (each may also hold several, separated by commas); every bad entry is named in one error.</summary>
        public static IReadOnlyList<SshHost> ParseAll(IEnumerable<string> entries)
        {
            if (entries == null) throw new ArgumentNullException(nameof(entries));
            var hosts = new List<SshHost>();
            var errors = new List<string>();
            var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (string? raw in entries)
            {
                foreach (string entry in (raw ?? "").Split(','))
                {
                    if (!TryParse(entry.Trim(), out var host, out string? error))
                    {
                        errors.Add(error!);
                        continue;
                    }
                    if (seen.TryGetValue(host!.Name, out string? first))
                    {
                        errors.Add($"Host entry '{host.Entry}' names the same host as '{first}'; give each host once, with its slot count (for example 4/{host.Name}).");
                        continue;
                    }
                    seen[host.Name] = host.Entry;
                    hosts.Add(host);
                }
            }
            if (errors.Count > 0) throw new FormatException(string.Join(Environment.NewLine, errors));
            if (hosts.Count == 0) throw new FormatException("No host entry was given.");
            return hosts;
        }

        public static SshHost Parse(string entry)
        {
            if (!TryParse(entry, out var host, out string? error)) throw new FormatException(error);
            return host!;
        }

        public static bool TryParse(string? entry, out SshHost? host, out string? error)
        {
            host = null;
            error = null;
            string text = entry ?? "";
            if (text.Trim().Length == 0) return Fail($"Host entry '{Printable(text)}' is empty: write [slots/][user@]host[:port], or ':' for this machine.", out error);
            if (text != text.Trim()) return Fail($"Host entry '{text}' has spaces around it.", out error);
            foreach (char c in text)
            {
                if (char.IsWhiteSpace(c) || char.IsControl(c))
                    return Fail($"Host entry '{Printable(text)}' holds a space or control character.", out error);
            }

            int? slots = null;
            bool auto = false;
            string rest = text;
            int slash = text.IndexOf('/');
            if (slash >= 0)
            {
                string count = text.Substring(0, slash);
                rest = text.Substring(slash + 1);
                if (string.Equals(count, "auto", StringComparison.OrdinalIgnoreCase)) auto = true;
                else if (int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1) slots = n;
                else return Fail($"Host entry '{text}': the slot count '{count}' must be a whole number of at least 1, or 'auto'.", out error);
                if (rest.IndexOf('/') >= 0) return Fail($"Host entry '{text}' has more than one '/': write [slots/][user@]host[:port].", out error);
            }

            if (rest == ":")
            {
                host = new SshHost(text, true, slots, auto, null, "", null);
                return true;
            }
            if (rest.Length == 0) return Fail($"Host entry '{text}' names no host after the slot count.", out error);

            string? user = null;
            int at = rest.LastIndexOf('@');
            if (at >= 0)
            {
                user = rest.Substring(0, at);
                rest = rest.Substring(at + 1);
                if (user.Length == 0) return Fail($"Host entry '{text}': the user name before '@' is empty.", out error);
                if (user[0] == '-') return Fail($"Host entry '{text}': the user name '{user}' starts with '-', which ssh would read as an option.", out error);
                if (rest.Length == 0) return Fail($"Host entry '{text}' names no host after '@'.", out error);
            }

            string hostName;
            string? portText = null;
            if (rest[0] == '[')
            {
                int close = rest.IndexOf(']');
                if (close < 0) return Fail($"Host entry '{text}': the '[' of an IPv6 address is not closed by ']'.", out error);
                hostName = rest.Substring(1, close - 1);
                string after = rest.Substring(close + 1);
                if (hostName.Length == 0) return Fail($"Host entry '{text}': the brackets hold no address.", out error);
                if (!IsIPv6Text(hostName)) return Fail($"Host entry '{text}': '{hostName}' in brackets is not an IPv6 address.", out error);
                if (after.Length > 0)
                {
                    if (after[0] != ':') return Fail($"Host entry '{text}': after ']' only ':port' may follow.", out error);
                    portText = after.Substring(1);
                }
            }
            else
            {
                int colon = rest.IndexOf(':');
                if (colon >= 0 && rest.IndexOf(':', colon + 1) >= 0)
                    return Fail($"Host entry '{text}' looks like an IPv6 address: put it in brackets, as in [{rest}] or [{rest}]:22.", out error);
                if (colon >= 0)
                {
                    portText = rest.Substring(colon + 1);
                    rest = rest.Substring(0, colon);
                }
                hostName = rest;
                if (hostName.Length == 0) return Fail($"Host entry '{text}' names no host before ':'.", out error);
                if (hostName[0] == '-') return Fail($"Host entry '{text}': the host '{hostName}' starts with '-', which ssh would read as an option.", out error);
                foreach (char c in hostName)
                {
                    if (!(char.IsLetterOrDigit(c) || c == '.' || c == '-' || c == '_'))
                        return Fail($"Host entry '{text}': the host '{hostName}' holds '{c}'; a host name has letters, digits, '.', '-' and '_'.", out error);
                }
            }

            int? port = null;
            if (portText != null)
            {
                if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int p) || p < 1 || p > 65535)
                    return Fail($"Host entry '{text}': the port '{portText}' must be a number from 1 to 65535.", out error);
                port = p;
            }

            host = new SshHost(text, false, slots, auto, user, hostName, port);
            return true;
        }

        private static bool IsIPv6Text(string s)
        {
            // Hex digits and colons, an optional embedded IPv4 tail, and an optional zone (%eth0).
            int percent = s.IndexOf('%');
            string address = percent >= 0 ? s.Substring(0, percent) : s;
            if (percent >= 0)
            {
                string zone = s.Substring(percent + 1);
                if (zone.Length == 0) return false;
                foreach (char c in zone) if (!(char.IsLetterOrDigit(c) || c == '.' || c == '-' || c == '_')) return false;
            }
            if (address.IndexOf(':') < 0) return false;
            foreach (char c in address)
            {
                bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
                if (!ok) return false;
            }
            return true;
        }

        private static string Printable(string s)
        {
            var sb = new StringBuilder(s.Length);
            foreach (char c in s)
            {
                if (char.IsControl(c)) sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                else sb.Append(c);
            }
            return sb.ToString();
        }

        private static bool Fail(string message, out string? error)
        {
            error = message;
            return false;
        }
    }
}
