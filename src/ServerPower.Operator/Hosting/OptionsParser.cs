using System.Globalization;
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
        "log-format", "kubeconfig",
    ];

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
            LogFormat = values.GetValueOrDefault("log-format") ?? defaults.LogFormat,
            Kubeconfig = values.GetValueOrDefault("kubeconfig"),
        };
        if (options.LogFormat is not ("text" or "json"))
            throw new OptionsException($"--log-format must be 'text' or 'json', not '{options.LogFormat}'");
        if (options.ResyncPeriod < TimeSpan.FromSeconds(10))
            throw new OptionsException("--resync-period must be at least 10s");
        if (options.Kubeconfig is { } path && !File.Exists(path))
            throw new OptionsException($"--kubeconfig file '{path}' does not exist");
        return options;
    }

    private static IReadOnlyList<string> List(Dictionary<string, string> values, string name) =>
        values.TryGetValue(name, out var v) ? v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];

    private static int Int(Dictionary<string, string> values, string name, int fallback, int min, int max)
    {
        if (!values.TryGetValue(name, out var v)) return fallback;
        if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            throw new OptionsException($"--{name} must be a whole number from {min} to {max}, not '{v}'");
        return n;
    }

    private static bool Bool(Dictionary<string, string> values, string name, bool fallback)
    {
        if (!values.TryGetValue(name, out var v)) return fallback;
        return bool.TryParse(v, out var b) ? b : throw new OptionsException($"--{name} must be true or false, not '{v}'");
    }

    private static TimeSpan Duration(Dictionary<string, string> values, string name, TimeSpan fallback)
    {
        if (!values.TryGetValue(name, out var v)) return fallback;
        return GoDuration.TryParse(v, out var d) ? d : throw new OptionsException($"--{name} must be a duration like 5m or 90s, not '{v}'");
    }
}

/// <summary>A configuration error; the host prints its message as one line and exits with code 2.</summary>
public sealed class OptionsException(string message) : Exception(message);
