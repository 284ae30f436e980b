/** "Your digits": the state from the address, the view, and the controller (controller.ts). */
import type { DemoModule, NoParams } from '../../contract/demo.ts';
import { initialFromAddress } from '../shared/lab-wiring.ts';
import { roomDigitsController } from './controller.ts';
import { initialRoomDigits, type RoomDigitsAction, type RoomDigitsState } from './model.ts';
import { createView } from './view.ts';

const demo: DemoModule<NoParams, RoomDigitsState, RoomDigitsAction> = {
  initial: initialFromAddress(initialRoomDigits),
  view: createView,
  controller: (context) => roomDigitsController(context),
};

export const { initial, view, controller } = demo;
