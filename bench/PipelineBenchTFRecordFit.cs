using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using Pipeline;
using Pipeline.Records;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// `pipeline tfrecord-fit`: how long the tutorial CNN's training waits on a TFRecord input pipeline. The 50,000 shared
/// CIFAR-10 JPEGs are written once as tf.train.Example shards (the TFRecord tutorial's layout: height, width, depth,
/// label, image_raw); then, alternating round by round:
/// <list type="bullet">
/// <item>C#: <c>TFRecordDataset -> Map(parse + decode + random flip, AUTOTUNE) -> Batch(32) -> Prefetch</c> into
/// <c>Model.Fit</c>, a pass-through last step adding up the time Fit waits for each batch;</item>
/// <item>Python: Debian's python3-torch, a map-style Dataset over the same records (framing read by hand, PIL decode,
/// random flip) in a <c>DataLoader</c> with 2 worker processes, batch 32, training the same CNN in PyTorch and timing
/// its own waits in <c>next()</c> (bench/pipeline_tfrecord_dataloader.py).</item>
/// </list>
/// Options: --steps 300 (training steps per run), --rounds 2, --workers 2 (DataLoader workers), --records-dir DIR
/// (where the shards live; kept between runs), --python /usr/bin/python3.
/// </summary>
static class PipelineBenchTFRecordFit
{
    const int Shards = 10;

    internal static void Run(string[] args)
    {
        int steps = (int)Option(args, "--steps", 300);
        int rounds = (int)Option(args, "--rounds", 2);
        int workers = (int)Option(args, "--workers", 2);
        string python = OptionString(args, "--python") ?? "/usr/bin/python3";
        string dir = OptionString(args, "--records-dir") ?? Path.Combine(Path.GetTempPath(), "pipeline-bench-cifar-tfrecords");
        Console.WriteLine();
        Console.WriteLine($"[5] TFRecord -> Fit wait fraction: tutorial CNN, batch 32, {steps} steps per run, {rounds} rounds alternating C# and PyTorch; load average {PipelineBench.LoadAverage()}");
        var files = EnsureShards(dir);
        string script = FindScript();

        DotNetRun(files, 10);   // untimed: JIT-compiles the C# path once (each Python run is a fresh process with nothing to compile)
        var results = new List<(string Who, int Round, double Wait, double WaitAfterFirst, double MsPerStep)>();
        for (int round = 1; round <= rounds; round++)
        {
            var dotnet = DotNetRun(files, steps);
            results.Add(("C# Dataset -> Fit", round, dotnet.Wait, dotnet.WaitAfterFirst, dotnet.MsPerStep));
            Console.WriteLine(F($"  round {round} C#      : wait {dotnet.Wait:P1} of training time ({dotnet.WaitAfterFirst:P1} after the first batch), {dotnet.MsPerStep:F1} ms/step; load {PipelineBench.LoadAverage()}"));
            var py = PythonRun(python, script, dir, steps, workers);
            results.Add(("PyTorch DataLoader", round, py.Wait, py.WaitAfterFirst, py.MsPerStep));
            Console.WriteLine(F($"  round {round} PyTorch : wait {py.Wait:P1} of training time ({py.WaitAfterFirst:P1} after the first batch), {py.MsPerStep:F1} ms/step; load {PipelineBench.LoadAverage()}"));
        }
        foreach (var who in results.Select(r => r.Who).Distinct())
        {
            var mine = results.Where(r => r.Who == who).ToList();
            Console.WriteLine(F($"  {who,-22} median wait {Median(mine.Select(r => r.Wait)):P1} ({Median(mine.Select(r => r.WaitAfterFirst)):P1} after the first batch), median {Median(mine.Select(r => r.MsPerStep)):F1} ms/step over {mine.Count} runs"));
        }
    }

    /// <summary>The C# side: the pipeline into Fit, with the wait probe as its last step.</summary>
    static (double Wait, double WaitAfterFirst, double MsPerStep) DotNetRun(string[] files, int steps)
    {
        var spec = new Dictionary<string, FeatureSpec>
        {
            ["image_raw"] = new FixedLenFeature([], FeatureType.String),
            ["label"] = new FixedLenFeature([], FeatureType.Int64),
        };
        var pipeline = new TFRecordDataset(files)
            .Map(record =>
            {
                using var features = ExampleParser.ParseSingleExample(record, spec);
                using var image = Image.DecodeJpeg(features.BytesMemory("image_raw").Span, channels: 3, dtype: ScalarType.Float32);
                return (Image.RandomFlipLeftRight(image), features.Take("label"));
            }, numParallelCalls: Dataset.Autotune)
            .Batch(32)
            .Prefetch(Dataset.Autotune)
            .Take(steps);
        var probe = new PipelineBenchWaitProbe<(Tensor, Tensor)>(pipeline);
        using var model = CnnBench.TutorialModel();
        var clock = Stopwatch.StartNew();
        model.Fit(probe, epochs: 1, verbose: 0);
        clock.Stop();
        var total = clock.Elapsed.TotalSeconds;
        var waited = probe.Waited.TotalSeconds;
        var first = probe.FirstWait.TotalSeconds;
        return (waited / total, (waited - first) / (total - first), 1000 * total / probe.Elements);
    }

    /// <summary>The PyTorch side, in its own process; the script prints one line "RESULT wait=... wait_after_first=... ms_per_step=...".</summary>
    static (double Wait, double WaitAfterFirst, double MsPerStep) PythonRun(string python, string script, string dir, int steps, int workers)
    {
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { script, "--records-dir", dir, "--steps", steps.ToString(CultureInfo.InvariantCulture), "--workers", workers.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {python}");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{script} exited with {process.ExitCode} and no RESULT line:\n{stdout}\n{stderr.Result}");
        var values = line["RESULT ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(kv => kv.Split('=')).ToDictionary(kv => kv[0], kv => double.Parse(kv[1], CultureInfo.InvariantCulture));
        return (values["wait"], values["wait_after_first"], values["ms_per_step"]);
    }

    /// <summary>
    /// The shards, written on first use from the shared JPEG archive (its class folders in alphabetical order are the
    /// labels), records dealt round-robin in a fixed shuffled order so every shard mixes the classes.
    /// </summary>
    static string[] EnsureShards(string dir)
    {
        var files = Enumerable.Range(0, Shards).Select(i => Path.Combine(dir, $"cifar10-train-{i:D5}-of-{Shards:D5}.tfrecord")).ToArray();
        var marker = Path.Combine(dir, "COMPLETE");
        if (File.Exists(marker))
        {
            Console.WriteLine($"  records: {File.ReadAllText(marker).Trim()} in {dir} (written by an earlier run)");
            return files;
        }
        string archive = Path.Combine(RecordsBench.SharedDir(), "datasets", "cifar10-train-jpeg.tar.gz");
        var clock = Stopwatch.StartNew();
        var images = new List<(string Class, byte[] Jpeg)>();
        using (var tar = new TarReader(new GZipStream(File.OpenRead(archive), CompressionMode.Decompress)))
        {
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || !entry.Name.EndsWith(".jpg", StringComparison.Ordinal)) continue;
                var parts = entry.Name.Split('/');
                using var data = new MemoryStream();
                entry.DataStream!.CopyTo(data);
                images.Add((parts[^2], data.ToArray()));
            }
        }
        var classes = images.Select(i => i.Class).Distinct().Order(StringComparer.Ordinal).ToList();
        var order = Enumerable.Range(0, images.Count).ToArray();
        new Random(1).Shuffle(order);
        Directory.CreateDirectory(dir);
        var writers = files.Select(f => new TFRecordWriter(f)).ToArray();
        try
        {
            for (int i = 0; i < order.Length; i++)
            {
                var (cls, jpeg) = images[order[i]];
                writers[i % Shards].Write(Example.FromImage(jpeg, classes.IndexOf(cls)));
            }
            foreach (var w in writers) w.Close();
        }
        finally
        {
            foreach (var w in writers) w.Dispose();
        }
        var summary = $"{images.Count} Examples of {classes.Count} classes in {Shards} shards, {files.Sum(f => new FileInfo(f).Length) / 1e6:F1} MB";
        File.WriteAllText(marker, summary + "\n");
        Console.WriteLine(F($"  records: wrote {summary} to {dir} in {clock.Elapsed.TotalSeconds:F1} s from {archive}"));
        return files;
    }

    static string FindScript()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "bench", "pipeline_tfrecord_dataloader.py");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("bench/pipeline_tfrecord_dataloader.py not found above " + AppContext.BaseDirectory);
    }

    static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    static long Option(string[] args, string name, long fallback) =>
        OptionString(args, name) is { } s ? long.Parse(s, CultureInfo.InvariantCulture) : fallback;

    static string? OptionString(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
