using ServerPower.KubectlPower.Cli;

namespace ServerPower.KubectlPower.Commands;

/// <summary>The objects a command acts on: the names given, or every ServerPower matching <c>-l</c>.</summary>
public static class Targets
{
    public static async Task<IReadOnlyList<string>> ResolveAsync(Invocation invocation, CommandContext context, CancellationToken cancellationToken)
    {
        if (invocation.Selector is null) return invocation.Names;
        var matching = await context.Api.ListAsync(context.Namespace, invocation.Selector, cancellationToken);
        if (matching.Count == 0)
            throw new CommandException($"no ServerPower in namespace '{context.Namespace}' matches -l '{invocation.Selector}'");
        return matching.Select(o => ServerView.Text(o, "metadata", "name")).ToList();
    }

    /// <summary>
    /// Runs the action on every name; a failure on one is printed as one line and the others go on. Returns how many
    /// failed.
    /// </summary>
    public static async Task<int> ForEachAsync(IReadOnlyList<string> names, CommandContext context, Func<string, Task> action)
    {
        var failed = 0;
        foreach (var name in names)
        {
            try
            {
                await action(name);
            }
            catch (CommandException e)
            {
                context.Errors.WriteLine($"error: serverpower/{name}: {e.Message}");
                failed++;
            }
        }
        return failed;
    }
}
