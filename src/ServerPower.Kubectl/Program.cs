using ServerPower.KubectlPower.Commands;

using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupted.Cancel();
};
return await PluginRunner.RunAsync(args, Console.Out, Console.Error, interrupted.Token);
