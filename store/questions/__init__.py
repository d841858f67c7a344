"""Sales reps' questions in plain words, answered; threads that follow an order."""
