using ServerPower.KubectlPower.Cli;

namespace ServerPower.KubectlPower.Commands;

/// <summary><c>status</c>: the table of servers, or one server in detail.</summary>
public static class StatusCommand
{
    public static async Task<int> RunAsync(Invocation invocation, CommandContext context, CancellationToken cancellationToken)
    {
        var now = context.Time.GetUtcNow();
        if (invocation.Names.Count == 1)
        {
            var name = invocation.Names[0];
            try
            {
                var one = await context.Api.GetAsync(context.Namespace, name, cancellationToken);
                context.Output.Write(StatusDetail.Render(ServerView.From(one), now));
                return 0;
            }
            catch (CommandException e)
            {
                throw new CommandException($"serverpower/{name}: {e.Message}");
            }
        }
        var ns = invocation.AllNamespaces ? null : context.Namespace;
        var servers = await context.Api.ListAsync(ns, invocation.Selector, cancellationToken);
        if (servers.Count == 0)
        {
            context.Errors.WriteLine(ns is null ? "No ServerPowers found." : $"No ServerPowers found in {ns} namespace.");
            return 0;
        }
        context.Output.Write(StatusTable.Render(servers.Select(ServerView.From).ToList(), invocation.AllNamespaces, now));
        return 0;
    }
}
