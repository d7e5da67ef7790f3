using ServerPower.Benchmarks;

var options = BenchmarkOptions.Parse(args);
var result = await new ScaleBenchmark(options, Console.Out).RunAsync();
Directory.CreateDirectory(options.Out);
var stem = Path.Combine(options.Out, $"scale-{options.Servers}");
await File.WriteAllTextAsync(stem + ".json", Report.Json(result));
var markdown = Report.Markdown(result);
await File.WriteAllTextAsync(stem + ".md", markdown);
Console.WriteLine();
Console.WriteLine(markdown);
Console.WriteLine($"written: {stem}.json, {stem}.md");
