// A training run with a BackupAndRestore callback, reporting each epoch on standard output:
//   dotnet Models.ResumeChild.dll BACKUP_DIR EPOCHS
// With PIPELINE_RESUME_TEST_BLOCK_AT_EPOCH=N (1-based) it prints "blocked" during the second batch of epoch N and
// waits to be killed. Output lines: "begin E", "end E LOSS_BITS", "done WEIGHTS_BITS_HASH".
// `dotnet Models.ResumeChild.dll seeded-program SEED|none` runs SeededProgram instead (GlobalSeedTests).
using System.Globalization;
using Pipeline.Models;
using Pipeline.Models.Callbacks;
using Pipeline.Models.Layers;
using static TorchSharp.torch;

if (args is ["seeded-program", var seed])
{
    Pipeline.Models.ResumeChild.SeededProgram.Run(seed);
    return;
}

var backupDir = args[0];
int epochs = int.Parse(args[1], CultureInfo.InvariantCulture);
int? blockAt = Environment.GetEnvironmentVariable("PIPELINE_RESUME_TEST_BLOCK_AT_EPOCH") is { Length: > 0 } b ? int.Parse(b, CultureInfo.InvariantCulture) : null;

Utils.SetRandomSeed(1234);
var rng = new Random(99);
var x = new float[96 * 16];
var y = new long[96];
for (int i = 0; i < 96; i++)
{
    y[i] = i % 3;
    for (int j = 0; j < 16; j++) x[i * 16 + j] = (float)(rng.NextDouble() + (j % 3 == y[i] ? 1.0 : 0.0));
}
using var xt = tensor(x, [96, 16]);
using var yt = tensor(y, [96]);

using var model = new Sequential(
[
    new Input([16]),
    new Dense(32, activation: "relu"),
    new Dropout(0.3),
    new Dense(3, activation: "softmax"),
]);
model.Compile("adam", "sparse_categorical_crossentropy");
var reporter = new LambdaCallback(
    onEpochBegin: (epoch, _) => Console.WriteLine($"begin {epoch + 1}"),
    onEpochEnd: (epoch, logs) => Console.WriteLine($"end {epoch + 1} {BitConverter.DoubleToInt64Bits(logs["loss"])}"));
var blocker = new Blocker(blockAt);
model.Fit(xt, yt, batchSize: 16, epochs: epochs, shuffle: true, verbose: 0, callbacks: [new BackupAndRestore(backupDir), reporter, blocker]);

long hash = 17;
foreach (var w in model.Weights)
    foreach (var v in w.Numpy().ToArray<float>()) hash = hash * 31 + BitConverter.SingleToInt32Bits(v);
Console.WriteLine($"done {hash}");

sealed class Blocker(int? blockAtEpoch) : Callback
{
    int _epoch;

    public override void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs) => _epoch = epoch + 1;

    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        if (_epoch != blockAtEpoch || batch != 1) return;
        Console.WriteLine("blocked");
        Console.Out.Flush();
        Thread.Sleep(Timeout.Infinite);
    }
}
