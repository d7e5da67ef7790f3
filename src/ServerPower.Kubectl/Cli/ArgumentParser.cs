using System.Text.RegularExpressions;
using ServerPower.Api.Serialization;

namespace ServerPower.KubectlPower.Cli;

/// <summary>
/// Reads a <c>kubectl power</c> command line. Options may stand anywhere (as in kubectl), as <c>--name value</c>,
/// <c>--name=value</c> or, for the short ones, <c>-n value</c>. Every value is checked here: anything it cannot run is
/// a <see cref="UsageException"/> (one line, exit code 2), and nothing else is thrown.
/// </summary>
public static partial class ArgumentParser
{
    public static readonly IReadOnlyList<string> Commands = ["restart", "rebuild", "wake", "start", "stop", "hold", "release", "status"];

    public static Invocation Parse(IReadOnlyList<string> args)
    {
        var invocation = new Invocation();
        var positional = new List<string>();
        var given = new Dictionary<string, string>(); // canonical name -> as typed
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                positional.AddRange(args.Skip(i + 1));
                break;
            }
            if (arg.Length < 2 || arg[0] != '-')
            {
                positional.Add(arg);
                continue;
            }
            var (name, inline) = Split(arg);
            string Value()
            {
                if (inline is not null) return inline;
                if (i + 1 >= args.Count) throw new UsageException($"{name} needs a value");
                return args[++i];
            }
            var canonical = name switch
            {
                "-h" or "--help" => "--help",
                "-n" or "--namespace" => "--namespace",
                "-A" or "--all-namespaces" => "--all-namespaces",
                "-l" or "--selector" => "--selector",
                _ => name,
            };
            given[canonical] = name;
            invocation = canonical switch
            {
                "--help" => invocation with { Help = true },
                "--kubeconfig" => invocation with { Kubeconfig = NonEmpty(name, Value()) },
                "--context" => invocation with { Context = NonEmpty(name, Value()) },
                "--namespace" => invocation with { Namespace = NamespaceName(name, Value()) },
                "--all-namespaces" => invocation with { AllNamespaces = Flag(name, inline) },
                "--selector" => invocation with { Selector = NonEmpty(name, Value()) },
                "--wait" => invocation with { Wait = Flag(name, inline) },
                "--timeout" => invocation with { Timeout = Duration(name, Value()) },
                "--for" => invocation with { For = Duration(name, Value()) },
                _ => throw new UsageException($"unknown option {Quoted(name)} (see kubectl power --help)"),
            };
        }

        if (positional.Count == 0) return invocation with { Help = true };
        var command = positional[0];
        if (!Commands.Contains(command))
        {
            if (invocation.Help) return invocation;
            throw new UsageException($"unknown command {Quoted(command)} (commands: {string.Join(", ", Commands)}; see kubectl power --help)");
        }
        invocation = invocation with { Command = command };
        if (invocation.Help) return invocation;
        return Validate(invocation, positional.Skip(1).ToList(), given);
    }

    private static Invocation Validate(Invocation invocation, List<string> operands, Dictionary<string, string> given)
    {
        var command = invocation.Command;
        Allow(command, given, command switch
        {
            "restart" or "rebuild" => ["--selector", "--wait", "--timeout"],
            "start" or "stop" or "wake" => ["--selector"],
            "hold" => ["--for"],
            "release" => [],
            _ => ["--all-namespaces", "--selector"],
        });
        if (invocation.AllNamespaces && invocation.Namespace is not null)
            throw new UsageException("-A and -n cannot be used together");
        switch (command)
        {
            case "restart" or "rebuild" or "wake" or "start" or "stop":
                if (operands.Count == 0 && invocation.Selector is null)
                    throw new UsageException($"{command} needs NAME... or -l SELECTOR (see kubectl power {command} --help)");
                if (operands.Count > 0 && invocation.Selector is not null)
                    throw new UsageException($"{command} takes NAME... or -l SELECTOR, not both");
                if (given.ContainsKey("--timeout") && !invocation.Wait)
                    throw new UsageException("--timeout applies only with --wait");
                break;
            case "hold":
                if (operands.Count != 2)
                    throw new UsageException("hold needs NAME and a state: kubectl power hold NAME Running|Stopped --for 2h");
                if (operands[1] is not ("Running" or "Stopped"))
                    throw new UsageException($"hold: the state must be Running or Stopped, not {Quoted(operands[1])}");
                if (invocation.For is null)
                    throw new UsageException("hold needs --for DURATION (e.g. --for 2h)");
                if (invocation.For <= TimeSpan.Zero)
                    throw new UsageException("hold: --for must be longer than 0s");
                return invocation with { Names = [ObjectName(operands[0])], HoldState = operands[1] };
            case "release":
                if (operands.Count == 0) throw new UsageException("release needs NAME... (see kubectl power release --help)");
                break;
            case "status":
                if (operands.Count > 1) throw new UsageException("status takes at most one NAME");
                if (operands.Count == 1 && (invocation.AllNamespaces || invocation.Selector is not null))
                    throw new UsageException("status NAME shows one server: -A and -l apply only without NAME");
                break;
        }
        return invocation with { Names = operands.Select(ObjectName).ToList() };
    }

    private static void Allow(string command, Dictionary<string, string> given, string[] specific)
    {
        string[] common = ["--help", "--kubeconfig", "--context", "--namespace"];
        var refused = given.FirstOrDefault(g => !common.Contains(g.Key) && !specific.Contains(g.Key)).Value;
        if (refused is not null) throw new UsageException($"{refused} does not apply to {command} (see kubectl power {command} --help)");
    }

    private static (string Name, string? Inline) Split(string arg)
    {
        if (arg.StartsWith("--", StringComparison.Ordinal))
        {
            var eq = arg.IndexOf('=');
            return eq < 0 ? (arg, null) : (arg[..eq], arg[(eq + 1)..]);
        }
        // -nfoo and -n=foo, as kubectl reads short flags.
        if (arg.Length > 2) return (arg[..2], arg[2] == '=' ? arg[3..] : arg[2..]);
        return (arg, null);
    }

    private static string NonEmpty(string name, string value) =>
        value.Length > 0 ? value : throw new UsageException($"{name} needs a value");

    private static bool Flag(string name, string? inline) => inline switch
    {
        null or "true" => true,
        "false" => false,
        _ => throw new UsageException($"{name} takes no value (or =true/=false), not {Quoted(inline)}"),
    };

    private static TimeSpan Duration(string name, string value) =>
        GoDuration.TryParse(value, out var duration)
            ? duration
            : throw new UsageException($"{name} must be {GoDuration.Rule}, not {Quoted(value)}");

    /// <summary>A value as typed, in the plugin's quotes, safe for its one error line.</summary>
    private static string Quoted(string? value) => UserText.Quote(value, '\'');

    /// <summary>A ServerPower's name, as Kubernetes requires it: a DNS subdomain (RFC 1123), at most 253 characters.</summary>
    private static string ObjectName(string name) =>
        name.Length <= 253 && Subdomain().IsMatch(name)
            ? name
            : throw new UsageException($"{Quoted(name)} is not an object name (lowercase letters, digits, '-' and '.', at most 253)");

    /// <summary>A namespace, as Kubernetes requires it: a DNS label (RFC 1123), at most 63 characters.</summary>
    private static string NamespaceName(string option, string value) =>
        NonEmpty(option, value) is { Length: <= 63 } ns && Label().IsMatch(ns)
            ? ns
            : throw new UsageException($"{option}: {Quoted(value)} is not a namespace name (lowercase letters, digits and '-', at most 63)");

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Label();
}
