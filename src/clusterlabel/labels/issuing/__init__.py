"""How labels come to be held and run out beyond an award: importing existing label holders
from an operator's list, and the reminders before and after a label expires. (Awards, renewals
and state changes are the app's ``services``.)"""
