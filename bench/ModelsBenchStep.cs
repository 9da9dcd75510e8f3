using System.Diagnostics;
using Pipeline.Models;
using Pipeline.Models.Initializers;
using Pipeline.Models.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

// `models step`: what makes one hand-written training step of the tutorial CNN faster (issue 7 item 4, way 3).
public static partial class ModelsBench
{
    static void Step(Tensor x, Tensor y, int rounds, int epochs)
    {
        var all = new[]
        {
            new StepContender("eager tape", StepKind.EagerTape),
            new StepContender("backward, kept grads", StepKind.KeptGrads),
            new StepContender("backward, grads to none", StepKind.GradsToNone),
            new StepContender("flat buffers", StepKind.Flat),
            new StepContender("TorchScript forward", StepKind.Script),
        };
        // Per-step rates: the best step is the least disturbed by other processes on a shared machine.
        for (int w = 0; w < 2; w++)
            foreach (var c in all) c.Epoch(x, y);
        var results = all.ToDictionary(c => c.Name, _ => new List<double>());
        for (int r = 0; r < rounds; r++)
        {
            for (int e = 0; e < epochs; e++)
                foreach (var c in all) results[c.Name].AddRange(c.Epoch(x, y));
            Console.WriteLine($"round {r + 1} (load {LoadAverage()}): " + string.Join(" | ", all.Select(c => $"{c.Name} {Median(results[c.Name]):F0}")) + " samples/s (median step so far)");
        }
        Report(results, "eager tape", [.. all.Skip(1).Select(c => c.Name)]);
        all[0].Phases(x, y);
        all[0].UpdateOnly(all[3], rounds * 40);
    }

    enum StepKind { EagerTape, KeptGrads, GradsToNone, Flat, Script }

    /// <summary>The tutorial CNN as ways 1-3 write it: Keras-layout variables and conv/pool/matmul ops.</summary>
    sealed class StepContender
    {
        readonly StepKind _kind;
        readonly Variable[] _vars;
        readonly Adam _adam = new();
        readonly Tensor? _flat, _flatGrad, _m, _v, _denominator;
        readonly Tensor[]? _leaves;
        readonly TorchSharp.Modules.Parameter[] _params;
        readonly jit.CompilationUnit? _unit;
        long _t;
        readonly Tensor _lerpWeight = tensor(0.1f);

        public StepContender(string name, StepKind kind)
        {
            Name = name;
            _kind = kind;
            manual_seed(1);
            long[][] shapes = [[3, 3, 3, 32], [32], [3, 3, 32, 64], [64], [4096, 256], [256], [256, 10], [10]];
            _vars = [.. shapes.Select((s, i) =>
            {
                using var value = s.Length > 1 ? new GlorotUniform().Call(s) : zeros(s);
                return new Variable(value, name: $"w{i}");
            })];
            _params = [.. _vars.Select(v => v.Storage)];
            if (kind == StepKind.Flat)
            {
                long total = _params.Sum(p => p.numel());
                _flat = zeros(total);
                _flatGrad = zeros(total);
                _m = zeros(total);
                _v = zeros(total);
                _denominator = zeros(total);
                long offset = 0;
                _leaves = new Tensor[_params.Length];
                for (int i = 0; i < _params.Length; i++)
                {
                    long n = _params[i].numel();
                    using (no_grad()) _flat.narrow(0, offset, n).copy_(_params[i].reshape(-1));
                    _leaves[i] = _flat.narrow(0, offset, n).view(_params[i].shape).detach().requires_grad_(true);
                    _leaves[i].grad = _flatGrad.narrow(0, offset, n).view(_params[i].shape);
                    offset += n;
                }
            }
            if (kind == StepKind.Script)
                _unit = jit.compile("""
                    def logits(x, w0, b0, w1, b1, w2, b2, w3, b3):
                        h = x.permute(0, 3, 1, 2)
                        h = torch.relu(torch.conv2d(h, w0.permute(3, 2, 0, 1), b0, [1, 1], [1, 1]))
                        h = torch.max_pool2d(h, [2, 2], [2, 2])
                        h = torch.relu(torch.conv2d(h, w1.permute(3, 2, 0, 1), b1, [1, 1], [1, 1]))
                        h = torch.max_pool2d(h, [2, 2], [2, 2])
                        h = h.permute(0, 2, 3, 1).reshape(h.shape[0], -1)
                        h = torch.relu(h.matmul(w2) + b2)
                        return h.matmul(w3) + b3
                    """ + "\n");
        }

        public string Name { get; }

        IReadOnlyList<Tensor> Weights => _leaves ?? [.. _params];

        Tensor Logits(Tensor images)
        {
            var w = Weights;
            if (_unit is not null) return (Tensor)_unit.invoke("logits", images, w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]);
            var x = images.permute(0, 3, 1, 2);
            x = nn.functional.relu(nn.functional.conv2d(x, w[0].permute(3, 2, 0, 1), w[1], padding: [1, 1]));
            x = nn.functional.max_pool2d(x, [2, 2], [2, 2]);
            x = nn.functional.relu(nn.functional.conv2d(x, w[2].permute(3, 2, 0, 1), w[3], padding: [1, 1]));
            x = nn.functional.max_pool2d(x, [2, 2], [2, 2]);
            x = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1);
            x = nn.functional.relu(x.matmul(w[4]).add(w[5]));
            return x.matmul(w[6]).add(w[7]);
        }

        /// <summary>One epoch; the samples/s of each step.</summary>
        public List<double> Epoch(Tensor x, Tensor y)
        {
            var rates = new List<double>();
            long n = x.shape[0];
            for (long b = 0; b < n; b += BatchSize)
            {
                var clock = Stopwatch.StartNew();
                using (var scope = NewDisposeScope())
                    TrainStep(x.narrow(0, b, BatchSize), y.narrow(0, b, BatchSize));
                rates.Add(BatchSize / clock.Elapsed.TotalSeconds);
            }
            return rates;
        }

        void TrainStep(Tensor xb, Tensor yb)
        {
            switch (_kind)
            {
                case StepKind.EagerTape:
                {
                    using var tape = new GradientTape();
                    var loss = nn.functional.cross_entropy(Logits(xb), yb);
                    _adam.ApplyGradients(tape.Gradient(loss, _vars), _vars);
                    break;
                }
                case StepKind.KeptGrads:
                case StepKind.Script:
                {
                    foreach (var p in _params) p.grad?.zero_();
                    nn.functional.cross_entropy(Logits(xb), yb).backward();
                    _adam.Apply([.. _params.Select(p => p.grad)], _params);
                    break;
                }
                case StepKind.GradsToNone:
                {
                    foreach (var p in _params) p.grad = null;
                    nn.functional.cross_entropy(Logits(xb), yb).backward();
                    _adam.Apply([.. _params.Select(p => p.grad)], _params);
                    break;
                }
                case StepKind.Flat:
                {
                    _flatGrad!.zero_();
                    nn.functional.cross_entropy(Logits(xb), yb).backward();
                    FlatAdam();
                    break;
                }
            }
        }

        // Keras's Adam over one buffer: m.lerp_ is m += (g - m)(1 - b1) in one pass; the denominator buffer is reused.
        void FlatAdam()
        {
            using var noGrad = no_grad();
            _t++;
            double alpha = 1e-3 * Math.Sqrt(1 - Math.Pow(0.999, _t)) / (1 - Math.Pow(0.9, _t));
            using var beta2 = 0.999.ToScalar();
            using var oneMinusBeta2 = (1 - 0.999).ToScalar();
            using var eps = 1e-7.ToScalar();
            using var one = 1.ToScalar();
            using var minusAlpha = (-alpha).ToScalar();
            _m!.lerp_(_flatGrad!, _lerpWeight);
            _v!.mul_(beta2).addcmul_(_flatGrad!, _flatGrad!, oneMinusBeta2);
            _denominator!.copy_(_v!).sqrt_().add_(eps, one);
            _flat!.addcdiv_(_m, _denominator, minusAlpha);
        }

        /// <summary>Where an eager step's time goes: forward and loss, backward, optimizer update (median and best over steps).</summary>
        public void Phases(Tensor x, Tensor y)
        {
            var forward = new List<double>();
            var backward = new List<double>();
            var update = new List<double>();
            for (int rep = 0; rep < 3; rep++)
                for (long b = 0; b < x.shape[0]; b += BatchSize)
                {
                    using var scope = NewDisposeScope();
                    var clock = Stopwatch.StartNew();
                    using var tape = new GradientTape();
                    var loss = nn.functional.cross_entropy(Logits(x.narrow(0, b, BatchSize)), y.narrow(0, b, BatchSize));
                    forward.Add(clock.Elapsed.TotalMilliseconds);
                    clock.Restart();
                    var grads = tape.Gradient(loss, _vars);
                    backward.Add(clock.Elapsed.TotalMilliseconds);
                    clock.Restart();
                    _adam.ApplyGradients(grads, _vars);
                    update.Add(clock.Elapsed.TotalMilliseconds);
                }
            Console.WriteLine($"RESULT eager step phases, ms (median / best): forward+loss {Median(forward):F2} / {forward.Min():F2}, " +
                              $"backward {Median(backward):F2} / {backward.Min():F2}, Adam update {Median(update):F2} / {update.Min():F2} (load {LoadAverage()})");
        }

        /// <summary>The optimizer update alone: Adam.ApplyGradients over 8 variables against one flat Adam, alternated.</summary>
        public void UpdateOnly(StepContender flat, int reps)
        {
            var grads = _vars.Select(v => randn(v.Shape) * 1e-3).ToArray();
            flat._flatGrad!.normal_(0, 1e-3);
            var perVariable = new List<double>();
            var fused = new List<double>();
            for (int r = 0; r < reps; r++)
            {
                var clock = Stopwatch.StartNew();
                _adam.ApplyGradients(grads, _vars);
                perVariable.Add(clock.Elapsed.TotalMilliseconds);
                clock.Restart();
                flat.FlatAdam();
                fused.Add(clock.Elapsed.TotalMilliseconds);
            }
            foreach (var g in grads) g.Dispose();
            Console.WriteLine($"RESULT Adam update alone, ms (median / best): ApplyGradients over 8 variables {Median(perVariable):F2} / {perVariable.Min():F2}, " +
                              $"flat buffer {Median(fused):F2} / {fused.Min():F2} (load {LoadAverage()})");
        }
    }
}
