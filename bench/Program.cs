using System.Reflection;

// Each benchmark suite is a static class named <Name>Bench with `public static int Run(string[] args)`.
// Usage: dotnet run -c Release --project bench -- <name> [options]
var suites = typeof(Program).Assembly.GetTypes()
    .Where(t => t.Name.EndsWith("Bench", StringComparison.Ordinal) && t.GetMethod("Run", BindingFlags.Public | BindingFlags.Static) is not null)
    .ToDictionary(t => t.Name[..^"Bench".Length].ToLowerInvariant(), t => t.GetMethod("Run")!);

if (args.Length == 0 || !suites.TryGetValue(args[0].ToLowerInvariant(), out var run))
{
    Console.Error.WriteLine($"usage: bench <{string.Join('|', suites.Keys.Order())}> [options]");
    return 2;
}
return (int)run.Invoke(null, [args[1..]])!;

/// <summary>Entry point type, named so suites can be discovered in this assembly.</summary>
public partial class Program;
