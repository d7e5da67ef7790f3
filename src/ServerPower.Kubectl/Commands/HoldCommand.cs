using System.Text.Json.Nodes;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;
using ServerPower.KubectlPower.Cli;

namespace ServerPower.KubectlPower.Commands;

/// <summary>
/// <c>hold</c> sets the <c>power.serverops.io/override</c> annotation to <c>STATE until TIME</c> (RFC 3339, UTC);
/// <c>release</c> removes it.
/// </summary>
public static class HoldCommand
{
    /// <summary>The annotation value for a hold of <paramref name="state"/> from now for <paramref name="duration"/>.</summary>
    public static string Value(string state, DateTimeOffset now, TimeSpan duration) =>
        $"{state} until {KubeTimeConverter.Format(now + duration)}";

    public static async Task<int> HoldAsync(Invocation invocation, CommandContext context, CancellationToken cancellationToken)
    {
        var name = invocation.Names[0];
        var value = Value(invocation.HoldState!, context.Time.GetUtcNow(), invocation.For!.Value);
        return await Targets.ForEachAsync([name], context, async _ =>
        {
            await context.Api.MergePatchAsync(context.Namespace, name, Annotation(value), cancellationToken);
            context.Output.WriteLine($"serverpower/{name} held: {Annotations.Override}={value}");
        }) == 0 ? 0 : 1;
    }

    public static async Task<int> ReleaseAsync(Invocation invocation, CommandContext context, CancellationToken cancellationToken)
    {
        var failed = await Targets.ForEachAsync(invocation.Names, context, async name =>
        {
            var view = ServerView.From(await context.Api.GetAsync(context.Namespace, name, cancellationToken));
            if (view.Hold is null)
            {
                context.Output.WriteLine($"serverpower/{name} has no hold");
                return;
            }
            await context.Api.MergePatchAsync(context.Namespace, name, Annotation(null), cancellationToken);
            context.Output.WriteLine($"serverpower/{name} released (was: {view.Hold})");
        });
        return failed == 0 ? 0 : 1;
    }

    private static JsonObject Annotation(string? value) =>
        new() { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [Annotations.Override] = value } } };
}
