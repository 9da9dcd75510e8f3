using System.Diagnostics;
using System.Globalization;
using static TorchSharp.torch;

/// <summary>
/// `dense` suite: the cost of keeping Dense's kernel in Keras's (in, units) layout (no transpose when saving or
/// loading) against libtorch's own (units, in), for one forward and backward pass of nn.functional.linear, the op
/// Dense calls: the (units, in) storage as it is, or the (in, units) storage's transposed view. Shapes: the tutorial
/// CNN's head, the ViT sample's MLP block (tokens x 64 -> 128 -> 64), the saving bench's 25M-parameter MLP layer, a
/// square 1024 layer. The two layouts alternate round by round, best round of each counts.
/// Usage: dotnet run -c Release --project bench -- dense [--rounds 5] [--steps 20] [--threads N]
/// </summary>
public static class DenseBench
{
    /// <summary>Runs the suite and prints one line per shape.</summary>
    /// <param name="args">Options, see the class summary.</param>
    /// <returns>0 on success.</returns>
    public static int Run(string[] args)
    {
        int rounds = Option(args, "--rounds", 5);
        int steps = Option(args, "--steps", 20);
        set_num_threads(Option(args, "--threads", get_num_threads()));
        manual_seed(0);
        Console.WriteLine($"dense bench: forward + backward of linear, ms per step, best of {rounds} alternating rounds of {steps} steps; " +
                          $"{Environment.ProcessorCount} cores, torch threads {get_num_threads()}, load average {PipelineBench.LoadAverage()}");
        (string Name, long Rows, long In, long Out)[] shapes =
        [
            ("tutorial CNN head 64 x 4096 -> 64", 64, 4096, 64),
            ("ViT MLP 64*65 tokens x 64 -> 128", 64 * 65, 64, 128),
            ("ViT MLP 64*65 tokens x 128 -> 64", 64 * 65, 128, 64),
            ("25M MLP 64 x 2048 -> 4096", 64, 2048, 4096),
            ("64 x 1024 -> 1024", 64, 1024, 1024),
        ];
        foreach (var (name, rows, inputs, units) in shapes)
        {
            using var x = randn(rows, inputs);
            using var bias = zeros(units).requires_grad_();
            using var outIn = (randn(units, inputs) * 0.01).requires_grad_();
            using var inOut = (randn(inputs, units) * 0.01).requires_grad_();
            (double Wall, double Cpu) outInBest = (double.MaxValue, double.MaxValue), inOutBest = (double.MaxValue, double.MaxValue);
            for (int r = 0; r < rounds; r++)
            {
                outInBest = Min(outInBest, Time(steps, () => Step(x, outIn, bias, transposed: false)));
                inOutBest = Min(inOutBest, Time(steps, () => Step(x, inOut, bias, transposed: true)));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-34} wall: (units, in) {outInBest.Wall * 1000,7:F3} ms (in, units) {inOutBest.Wall * 1000,7:F3} ms ratio {inOutBest.Wall / outInBest.Wall,4:F2}; " +
                $"CPU: {outInBest.Cpu * 1000,7:F3} ms {inOutBest.Cpu * 1000,7:F3} ms ratio {inOutBest.Cpu / outInBest.Cpu,4:F2}; load {PipelineBench.LoadAverage()}"));
        }
        return 0;
    }

    static void Step(Tensor x, Tensor kernel, Tensor bias, bool transposed)
    {
        using var scope = NewDisposeScope();
        var weight = transposed ? kernel.t() : kernel;
        var y = nn.functional.linear(x, weight, bias);
        y.sum().backward();
        kernel.grad?.zero_();
        bias.grad?.zero_();
    }

    static (double Wall, double Cpu) Min((double Wall, double Cpu) a, (double Wall, double Cpu) b) => (Math.Min(a.Wall, b.Wall), Math.Min(a.Cpu, b.Cpu));

    // Wall time per step and the process's CPU time per step (steadier than wall time on a loaded machine).
    static (double Wall, double Cpu) Time(int steps, Action step)
    {
        step();
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) step();
        var wall = sw.Elapsed.TotalSeconds / steps;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpu).TotalSeconds / steps);
    }

    static int Option(string[] args, string name, int fallback) =>
        args.SkipWhile(a => a != name).Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(fallback);
}
