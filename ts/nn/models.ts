// The course's networks, NHWC.
import { Sequential } from './module';
import { Conv2d, Linear, ReLU, MaxPool2d, Flatten } from './layers';

/**
 * LeNet-5 (LeCun et al. 1998) with today's ReLU and max pooling: 28×28×1 → conv5 (pad 2)
 * 6 → pool → conv5 16 → pool → 120 → 84 → classes. 61,706 parameters for 10 classes.
 */
export function lenet5(options: { classes?: number; inChannels?: number } = {}): Sequential {
  const classes = options.classes ?? 10;
  return new Sequential(
    new Conv2d(options.inChannels ?? 1, 6, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2),
    new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2),
    new Flatten(),
    new Linear(400, 120), new ReLU(),
    new Linear(120, 84), new ReLU(),
    new Linear(84, classes),
  );
}
