using System.Text.Json.Nodes;
using ServerPower.KubectlPower.Cli;

namespace ServerPower.KubectlPower.Commands;

/// <summary><c>start</c> and <c>stop</c>: <c>spec.state</c> Running or Stopped on every target.</summary>
public static class StateCommand
{
    public static async Task<int> RunAsync(Invocation invocation, CommandContext context, CancellationToken cancellationToken)
    {
        var state = invocation.Command == "start" ? "Running" : "Stopped";
        var names = await Targets.ResolveAsync(invocation, context, cancellationToken);
        var failed = await Targets.ForEachAsync(names, context, async name =>
        {
            var before = ServerView.From(await context.Api.GetAsync(context.Namespace, name, cancellationToken)).SpecState;
            if (before == state)
            {
                context.Output.WriteLine($"serverpower/{name} unchanged (spec.state is {state})");
                return;
            }
            var patch = new JsonObject { ["spec"] = new JsonObject { ["state"] = state } };
            await context.Api.MergePatchAsync(context.Namespace, name, patch, cancellationToken);
            context.Output.WriteLine($"serverpower/{name} spec.state: {before} -> {state}");
        });
        return failed == 0 ? 0 : 1;
    }
}
