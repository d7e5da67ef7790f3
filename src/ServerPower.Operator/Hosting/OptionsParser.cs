using System.Globalization;
using ServerPower.Api.Connection;
using ServerPower.Api.Serialization;

namespace ServerPower.Operator.Hosting;

/// <summary>Reads <see cref="OperatorOptions"/> from arguments and environment; a bad value is one clear error.</summary>
public static class OptionsParser
{
    public const string EnvironmentPrefix = "SERVERPOWER_";

    private static readonly string[] Names =
    [
        "namespaces", "label-selector", "workers", "resync-period", "port", "leader-election",
        "leader-election-namespace", "leader-election-lease", "allow-http-endpoints", "allowed-endpoint-hosts",
        "log-format", "kubeconfig", "service-account-token-file", "service-account-ca-file", "min-poll", "max-poll", "start-timeout", "drain-timeout",
        "readiness-probes", "activity-reads", "allowed-cidrs", "denied-cidrs", "max-probes-per-namespace", "max-servers-per-namespace",
        .. ProviderSettingsParser.Names,
    ];

    public static readonly string Usage = """
        usage: serverpower-operator [--name value | --name=value] ...   (or environment SERVERPOWER_NAME=value)
          --kubeconfig PATH                  default: KUBECONFIG, ~/.kube/config, then in-cluster
          --service-account-token-file PATH  in cluster: the bearer token, re-read on rotation
                                             (/var/run/secrets/kubernetes.io/serviceaccount/token)
          --service-account-ca-file PATH     in cluster: the API server's CA (same directory, ca.crt); the API
                                             server is KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT
          --namespaces a,b                   watch only these namespaces (default: all)
          --label-selector SELECTOR          reconcile only objects whose labels match
          --workers N                        concurrent reconciles (4)
          --resync-period DURATION           steady-state re-check of every server (5m, at least 10s)
          --min-poll / --max-poll DURATION   wait between observations while converging (2s / 30s)
          --start-timeout DURATION           an accepted start not seen running is sent again after this (5m)
          --drain-timeout DURATION           a reconcile in flight may finish this long after leadership is lost (20s)
        """ + "\n" + ProviderSettingsParser.Usage + "\n" + """
          --port N                           /metrics, /healthz and /readyz (8080)
          --leader-election true|false       (true) --leader-election-namespace NS --leader-election-lease NAME
          --allow-http-endpoints true|false  plain-http provider endpoints (false)
          --allowed-endpoint-hosts a,b       provider hosts allowed, readiness probe hosts too (default: any)
          --allowed-cidrs a,b                addresses allowed although a default rule refuses them, e.g. 127.0.0.1/32
                                             (refused by default: loopback, link-local, metadata, unspecified, multicast)
          --denied-cidrs a,b                 addresses refused besides those, e.g. the pod and service ranges
          --max-probes-per-namespace N       readiness probes in flight at once per namespace (8)
          --max-servers-per-namespace N      ServerPowers served per namespace, oldest first; 0: no limit (1000)
          --readiness-probes true|false      run the ServerPowers' readiness probes (true)
          --activity-reads true|false        read spec.autoStop.activity player counts; false: no idle stops (true)
          --log-format text|json             (text)
          --help                             this text
        """;

    /// <summary>True when the arguments ask for the usage text (printed, exit code 0).</summary>
    public static bool WantsHelp(IReadOnlyList<string> args) => args.Any(a => a is "--help" or "-h");

    public static OperatorOptions Parse(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var values = new Dictionary<string, string>();
        foreach (var name in Names)
        {
            var env = EnvironmentPrefix + name.Replace('-', '_').ToUpperInvariant();
            if (environment.TryGetValue(env, out var v) && v.Length > 0) values[name] = v;
        }
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal)) throw new OptionsException($"unexpected argument '{arg}'");
            var name = arg[2..];
            string value;
            var eq = name.IndexOf('=');
            if (eq >= 0) (name, value) = (name[..eq], name[(eq + 1)..]);
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) value = args[++i];
            else value = "true";
            if (!Names.Contains(name)) throw new OptionsException($"unknown option '--{name}' (known: {string.Join(", ", Names.Select(n => "--" + n))})");
            values[name] = value;
        }

        var defaults = new OperatorOptions();
        var options = new OperatorOptions
        {
            Namespaces = List(values, "namespaces"),
            LabelSelector = values.GetValueOrDefault("label-selector"),
            Workers = Int(values, "workers", defaults.Workers, 1, 256),
            ResyncPeriod = Duration(values, "resync-period", defaults.ResyncPeriod),
            Port = Int(values, "port", defaults.Port, 0, 65535),
            LeaderElection = Bool(values, "leader-election", defaults.LeaderElection),
            LeaderElectionNamespace = values.GetValueOrDefault("leader-election-namespace")
                ?? environment.GetValueOrDefault("POD_NAMESPACE"),
            LeaderElectionLease = values.GetValueOrDefault("leader-election-lease") ?? defaults.LeaderElectionLease,
            AllowHttpEndpoints = Bool(values, "allow-http-endpoints", false),
            AllowedEndpointHosts = List(values, "allowed-endpoint-hosts"),
            AllowedCidrs = Cidrs(values, "allowed-cidrs"),
            DeniedCidrs = Cidrs(values, "denied-cidrs"),
            MaxProbesPerNamespace = Int(values, "max-probes-per-namespace", defaults.MaxProbesPerNamespace, 1, 1024),
            MaxServersPerNamespace = Int(values, "max-servers-per-namespace", defaults.MaxServersPerNamespace, 0, 10_000_000),
            LogFormat = values.GetValueOrDefault("log-format") ?? defaults.LogFormat,
            Kubeconfig = values.GetValueOrDefault("kubeconfig"),
            ServiceAccount = new ServiceAccountFiles(
                values.GetValueOrDefault("service-account-token-file") ?? defaults.ServiceAccount.TokenFile,
                values.GetValueOrDefault("service-account-ca-file") ?? defaults.ServiceAccount.CaFile),
            MinPoll = Duration(values, "min-poll", defaults.MinPoll),
            MaxPoll = Duration(values, "max-poll", defaults.MaxPoll),
            StartTimeout = Duration(values, "start-timeout", defaults.StartTimeout),
            DrainTimeout = Duration(values, "drain-timeout", defaults.DrainTimeout),
            ReadinessProbes = Bool(values, "readiness-probes", defaults.ReadinessProbes),
            ActivityReads = Bool(values, "activity-reads", defaults.ActivityReads),
            Provider = ProviderSettingsParser.Parse(values),
        };
        if (options.MinPoll < TimeSpan.FromMilliseconds(100) || options.MaxPoll < options.MinPoll)
            throw new OptionsException("--min-poll must be at least 100ms and --max-poll at least --min-poll");
        if (options.StartTimeout < options.MinPoll)
            throw new OptionsException("--start-timeout must be at least --min-poll");
        if (options.LogFormat is not ("text" or "json"))
            throw new OptionsException($"--log-format must be 'text' or 'json', not '{options.LogFormat}'");
        if (options.ResyncPeriod < TimeSpan.FromSeconds(10))
            throw new OptionsException("--resync-period must be at least 10s");
        if (options.Kubeconfig is { } path && !File.Exists(path))
            throw new OptionsException($"--kubeconfig file '{path}' does not exist");
        return options;
    }

    private static IReadOnlyList<string> List(IReadOnlyDictionary<string, string> values, string name) =>
        values.TryGetValue(name, out var v) ? v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];

    /// <summary>
    /// CIDRs like 10.0.0.0/8 or fd00::/8; a bare address is that one address (/32, /128). Bits set after the prefix
    /// (10.0.0.1/8) are an error rather than silently dropped: the flag would not mean what it says.
    /// </summary>
    private static IReadOnlyList<System.Net.IPNetwork> Cidrs(IReadOnlyDictionary<string, string> values, string name) =>
        [.. List(values, name).Select(text =>
            System.Net.IPNetwork.TryParse(text, out var network) && System.Net.IPAddress.TryParse(text.Split('/')[0], out var written)
                && written.Equals(network.BaseAddress) ? network
            : System.Net.IPAddress.TryParse(text, out var address) && !text.Contains('/') ? new System.Net.IPNetwork(address, address.GetAddressBytes().Length * 8)
            : throw new OptionsException($"--{name}: '{text}' is not a CIDR like 10.0.0.0/8 or fd00::/8 (no bits set after the prefix)"))];

    internal static int Int(IReadOnlyDictionary<string, string> values, string name, int fallback, int min, int max)
    {
        if (!values.TryGetValue(name, out var v)) return fallback;
        if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            throw new OptionsException($"--{name} must be a whole number from {min} to {max}, not '{v}'");
        return n;
    }

    private static bool Bool(IReadOnlyDictionary<string, string> values, string name, bool fallback)
    {
        if (!values.TryGetValue(name, out var v)) return fallback;
        return bool.TryParse(v, out var b) ? b : throw new OptionsException($"--{name} must be true or false, not '{v}'");
    }

    internal static TimeSpan Duration(IReadOnlyDictionary<string, string> values, string name, TimeSpan fallback)
    {
        if (!values.TryGetValue(name, out var v)) return fallback;
        return GoDuration.TryParse(v, out var d) ? d : throw new OptionsException($"--{name} must be {GoDuration.Rule}, not {UserText.Quote(v, '\'')}");
    }
}

/// <summary>A configuration error; the host prints its message as one line and exits with code 2.</summary>
public sealed class OptionsException(string message) : Exception(message);
