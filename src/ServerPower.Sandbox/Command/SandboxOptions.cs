using System.Globalization;
using ServerPower.Operator.Hosting;

namespace ServerPower.Sandbox.Command;

/// <summary>Options of the sandbox command. <paramref name="NoOperator"/>: everything but the operator, which is then run by hand.</summary>
public sealed record SandboxOptions(string Kubeconfig, int ApiPort, int Port, bool NoSamples, bool NoOperator = false)
{
    public static SandboxOptions Parse(IReadOnlyList<string> args)
    {
        var options = new SandboxOptions("sandbox.kubeconfig", 0, 0, false);
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new OptionsException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--kubeconfig" => options with { Kubeconfig = Value() },
                "--api-port" => options with { ApiPort = ParsePort(Value(), "--api-port") },
                "--port" => options with { Port = ParsePort(Value(), "--port") },
                "--no-samples" => options with { NoSamples = true },
                "--no-operator" => options with { NoOperator = true },
                var other => throw new OptionsException($"unknown option '{other}'"),
            };
        }
        return options;
    }

    private static int ParsePort(string text, string name) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535
            ? port
            : throw new OptionsException($"{name} must be a port number from 0 to 65535, not '{text}'");
}
