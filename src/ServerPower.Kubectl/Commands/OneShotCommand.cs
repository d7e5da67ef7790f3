using System.Text.Json.Nodes;
using ServerPower.Api.Vocabulary;
using ServerPower.KubectlPower.Cli;

namespace ServerPower.KubectlPower.Commands;

/// <summary>
/// <c>restart</c>, <c>rebuild</c> and <c>wake</c>: one fresh token per call, set as the one-shot annotation on every
/// target and printed. With <c>--wait</c> (restart and rebuild), waits until the operator recorded each token's end (Done, Failed, Uncertain or
/// Skipped); succeeds only when every one is Done.
/// </summary>
public static class OneShotCommand
{
    /// <summary>Phases after which nothing more happens for a token.</summary>
    public static readonly IReadOnlyList<string> FinalPhases = ["Done", "Failed", "Uncertain", "Skipped"];

    public static async Task<int> RunAsync(Invocation invocation, CommandContext context, CancellationToken cancellationToken)
    {
        var kind = invocation.Command;
        var annotation = kind switch
        {
            "restart" => Annotations.Restart,
            "wake" => Annotations.Wake,
            _ => Annotations.Rebuild,
        };
        var token = OneShotTokens.New(context.Time.GetUtcNow(), context.Random);
        var names = await Targets.ResolveAsync(invocation, context, cancellationToken);
        var requested = new List<string>();
        var failed = await Targets.ForEachAsync(names, context, async name =>
        {
            var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [annotation] = token } } };
            await context.Api.MergePatchAsync(context.Namespace, name, patch, cancellationToken);
            context.Output.WriteLine($"serverpower/{name} {kind} requested: {annotation}={token}");
            requested.Add(name);
        });
        if (!invocation.Wait) return failed == 0 ? 0 : 1;

        var deadline = context.Time.GetUtcNow() + invocation.Timeout;
        failed += await Targets.ForEachAsync(requested, context, async name =>
        {
            var (phase, message) = await WaitAsync(context, name, kind, token, deadline, invocation.Timeout, cancellationToken);
            var line = $"serverpower/{name} {kind} {token}: {phase}" + (message.Length > 0 ? $": {message}" : "");
            if (phase != "Done") throw new CommandException($"{kind} {token} ended {phase}" + (message.Length > 0 ? $": {message}" : ""));
            context.Output.WriteLine(line);
        });
        return failed == 0 ? 0 : 1;
    }

    private static async Task<(string Phase, string Message)> WaitAsync(CommandContext context, string name, string kind, string token,
        DateTimeOffset deadline, TimeSpan timeout, CancellationToken cancellationToken)
    {
        while (true)
        {
            var o = await context.Api.GetAsync(context.Namespace, name, cancellationToken);
            var seen = ServerView.Text(o, "status", kind, "token") == token;
            var phase = seen ? ServerView.Text(o, "status", kind, "phase") : "";
            if (FinalPhases.Contains(phase)) return (phase, ServerView.Text(o, "status", kind, "message"));
            if (context.Time.GetUtcNow() >= deadline)
            {
                var where = seen ? $"phase {phase}" : "the operator has not picked the token up";
                throw new CommandException($"timed out after {HumanDuration.Format(timeout)} waiting for {kind} {token} ({where})");
            }
            await Task.Delay(context.PollInterval, context.Time, cancellationToken);
        }
    }
}
