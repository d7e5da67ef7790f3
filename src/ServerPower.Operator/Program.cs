using System.Collections;
using ServerPower.Operator.Hosting;

if (OptionsParser.WantsHelp(args))
{
    Console.WriteLine(OptionsParser.Usage);
    return 0;
}

try
{
    var environment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
        .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
    var options = OptionsParser.Parse(args, environment);
    await using var app = OperatorHost.Build(options);
    await OperatorHost.StartAsync(app);
    await app.WaitForShutdownAsync();
    return 0;
}
catch (OptionsException e)
{
    Console.Error.WriteLine($"serverpower-operator: {e.Message}");
    return 2;
}
catch (IOException e) when (PortInUse.Matches(e))
{
    Console.Error.WriteLine($"serverpower-operator: {PortInUse.Message(e)}");
    return 1;
}
