using System.Collections;
using ServerPower.Operator.Hosting;
using ServerPower.Operator.Sandbox;

if (args.Length > 0 && args[0] == "sandbox")
    return await SandboxCommand.RunAsync(args[1..]);

try
{
    var environment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
        .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
    var options = OptionsParser.Parse(args, environment);
    await using var app = OperatorHost.Build(options);
    await app.RunAsync();
    return 0;
}
catch (OptionsException e)
{
    Console.Error.WriteLine($"serverpower-operator: {e.Message}");
    return 2;
}
